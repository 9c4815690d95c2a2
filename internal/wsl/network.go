package wsl

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Networking modes, as `wslinfo --networking-mode` prints them.
const (
	ModeNAT      = "nat"
	ModeMirrored = "mirrored"
	ModeWSL1     = "wsl1"
)

// Mode is the networking mode and where rtdev read it.
type Mode struct {
	Name string
	// Source is "wslinfo --networking-mode", the .wslconfig file read, or
	// "default" (no setting: NAT).
	Source string
}

// Mirrored reports whether Linux shares the Windows host's interfaces, so
// the LAN address is local as on Linux.
func (m Mode) Mirrored() bool { return m.Name == ModeMirrored }

// NAT reports whether WSL2 sits behind Windows' NAT: Windows reaches a
// server in WSL through localhost forwarding, a phone only through a port
// proxy on Windows.
func (m Mode) NAT() bool { return m.Name == ModeNAT || m.Name == "virtioproxy" }

// NetworkingMode names the live mode. wslinfo reports what WSL really runs
// (mirrored mode can fall back to NAT); older WSL has no wslinfo, so the
// setting in the Windows user's .wslconfig is read instead.
func (x Interop) NetworkingMode(ctx context.Context) (Mode, error) {
	if x.Info.Version == 1 {
		return Mode{Name: ModeWSL1, Source: "kernel release"}, nil
	}
	if p, err := x.Runner.LookPath("wslinfo"); err == nil {
		cctx, cancel := context.WithTimeout(ctx, x.timeout())
		out, err := x.Runner.Run(cctx, p, []string{"--networking-mode"}, nil)
		cancel()
		if name := strings.ToLower(firstLine(Decode(out))); err == nil && name != "" && strings.Trim(name, "abcdefghijklmnopqrstuvwxyz0-9") == "" {
			return Mode{Name: name, Source: "wslinfo --networking-mode"}, nil
		}
	}
	conf, err := x.wslconfigPath(ctx)
	if err != nil {
		return Mode{}, fmt.Errorf("read the networking mode: %w", err)
	}
	c := parseINI(readSmall(conf))
	name := c.get("wsl2", "networkingMode")
	if name == "" {
		// Before WSL 2.0 the setting lived under [experimental].
		name = c.get("experimental", "networkingMode")
	}
	if name == "" {
		return Mode{Name: ModeNAT, Source: "default"}, nil
	}
	return Mode{Name: strings.ToLower(name), Source: conf}, nil
}

func (x Interop) timeout() time.Duration {
	if x.Timeout > 0 {
		return x.Timeout
	}
	return DefaultTimeout
}

// wslconfigPath is %USERPROFILE%\.wslconfig as a path here: PowerShell
// names the profile folder, wslpath translates it.
func (x Interop) wslconfigPath(ctx context.Context) (string, error) {
	ans, err := x.Run(ctx, UserProfile)
	if err != nil {
		return "", err
	}
	l, ok := ans.Find("profile")
	if !ok {
		return "", errors.New("powershell.exe did not name the user profile")
	}
	raw, err := base64.StdEncoding.DecodeString(l.Rest)
	if err != nil || len(raw) == 0 {
		return "", errors.New("powershell.exe named no user profile")
	}
	if x.Info.WSLPath == "" {
		return "", errors.New("wslpath is not on PATH")
	}
	cctx, cancel := context.WithTimeout(ctx, x.timeout())
	defer cancel()
	out, err := x.Runner.Run(cctx, x.Info.WSLPath, []string{"-u", string(raw)}, nil)
	if err != nil {
		return "", fmt.Errorf("wslpath -u: %w", err)
	}
	dir := firstLine(Decode(out))
	if !filepath.IsAbs(dir) {
		return "", fmt.Errorf("wslpath -u answered %q", dir)
	}
	return filepath.Join(dir, ".wslconfig"), nil
}

// maxAddrs bounds the Windows addresses taken.
const maxAddrs = 8

// WindowsLANAddrs are the Windows host's IPv4 addresses on its default
// routes: under NAT the phone reaches these, not any interface inside WSL.
func (x Interop) WindowsLANAddrs(ctx context.Context) ([]net.IP, error) {
	ans, err := x.Run(ctx, WindowsLAN)
	if err != nil {
		return nil, err
	}
	if f := ans.Failed(); f != nil {
		return nil, fmt.Errorf("list the Windows addresses: %w", f)
	}
	var out []net.IP
	for _, s := range ans.All("addr") {
		out = addHostAddr(out, s)
	}
	return out, nil
}

// addHostAddr appends s to out when it is an IPv4 address a phone could
// use (not loopback, link-local or unspecified), not in out yet, and out
// holds fewer than maxAddrs.
func addHostAddr(out []net.IP, s string) []net.IP {
	ip := net.ParseIP(s).To4()
	if ip == nil || ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() ||
		len(out) >= maxAddrs || slices.ContainsFunc(out, ip.Equal) {
		return out
	}
	return append(out, ip)
}

// Fetch is what Windows got from https://localhost:PORT/rtdev/health.
type Fetch struct {
	OK bool
	// Status is the HTTP status on success, else the .NET WebException
	// status: TrustFailure (Windows does not trust the certificate),
	// ConnectFailure (nothing answered on localhost:PORT from Windows),
	// SecureChannelFailure, Timeout, ...
	Status  string
	Message string
}

// FetchHealth has Windows fetch serve's health page over HTTPS.
func (x Interop) FetchHealth(ctx context.Context, port int) (Fetch, error) {
	ans, err := x.Run(ctx, HealthFetch, Var{Name: "rtdevPort", Value: strconv.Itoa(port)})
	if err != nil {
		return Fetch{}, err
	}
	if l, ok := ans.Find("fetched"); ok {
		return Fetch{OK: true, Status: l.Rest}, nil
	}
	if l, ok := ans.Find("unreachable"); ok {
		status, msg, _ := strings.Cut(l.Rest, " ")
		return Fetch{Status: status, Message: strings.TrimSpace(msg)}, nil
	}
	return Fetch{}, fmt.Errorf("powershell.exe answered neither fetched nor unreachable: %s", firstLine(ans.Output))
}
