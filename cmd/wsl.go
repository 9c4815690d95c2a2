package cmd

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/rtdev/rtdev/doctor"
	"github.com/rtdev/rtdev/internal/wsl"
	"github.com/rtdev/rtdev/project"
)

// wslInterop is how this rtdev reaches Windows when it runs inside WSL,
// or ok=false elsewhere. It goes through the trust environment, so the
// runner and the locations are the ones the windows store uses.
func (a *app) wslInterop() (wsl.Interop, bool) {
	env := a.newTrustEnv(false)
	if env.GOOS != "linux" {
		return wsl.Interop{}, false
	}
	x := env.Interop()
	return x, x.Info.InWSL()
}

// wslDoctor is doctor's view of the Windows side, nil outside WSL. Windows
// fetches the health page of every rtdev serve port that answers here: the
// project's, and those of loopback URLs given.
func (a *app) wslDoctor(p *projectCtx, urls []string) *doctor.WSLOptions {
	x, ok := a.wslInterop()
	if !ok {
		return nil
	}
	var ports []int
	candidates := []int{p.config.Serve.Port}
	for _, u := range urls {
		if t, err := doctor.ParseTarget(u); err == nil && isLoopbackHost(t.Host) {
			if n, err := strconv.Atoi(t.Port); err == nil {
				candidates = append(candidates, n)
			}
		}
	}
	for _, port := range candidates {
		if port > 0 && !containsInt(ports, port) && listening(port) {
			ports = append(ports, port)
		}
	}
	return &doctor.WSLOptions{Info: x.Info, Mode: x.NetworkingMode, Ports: ports, Fetch: x.FetchHealth}
}

func containsInt(list []int, n int) bool {
	for _, v := range list {
		if v == n {
			return true
		}
	}
	return false
}

func isLoopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// listening reports whether something accepts connections on the port
// on loopback, so doctor asks Windows only about a server that runs.
func listening(port int) bool {
	c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), 500*time.Millisecond)
	if err != nil {
		return false
	}
	_ = c.Close()
	return true
}

// wslHosts is the machine as host detection sees it from inside WSL2 in
// NAT mode: the Windows host's LAN addresses are added as an interface,
// since a phone on the Wi-Fi reaches Windows, not any address inside the
// WSL VM. Outside WSL, and in mirrored mode where the LAN addresses are
// local, it is the plain OS view. Windows is asked once per run, so a
// renewal check never waits on PowerShell again.
type wslHosts struct {
	project.System
	once  sync.Once
	ask   func() []net.IP
	addrs []net.IP
}

// windowsHostInterface names the Windows addresses in the certificate's
// host list (Source "interface windows-host").
const windowsHostInterface = "windows-host"

func (s *wslHosts) Interfaces() ([]project.Interface, error) {
	ifs, err := s.System.Interfaces()
	if err != nil {
		return ifs, err
	}
	addrs := s.windows()
	if len(addrs) == 0 {
		return ifs, nil
	}
	win := project.Interface{Name: windowsHostInterface, Up: true}
	for _, ip := range addrs {
		win.Addrs = append(win.Addrs, &net.IPNet{IP: ip, Mask: net.CIDRMask(32, 32)})
	}
	return append(ifs, win), nil
}

// windows are the Windows host's LAN addresses under NAT, asked once.
func (s *wslHosts) windows() []net.IP {
	s.once.Do(func() { s.addrs = s.ask() })
	return s.addrs
}

// hostSystem is the machine for the project certificate's host list.
// certDir keeps the Windows host's addresses as last read, so a Windows
// that does not answer this time changes nothing.
func (a *app) hostSystem(ctx context.Context, certDir string) project.System {
	sys := project.OSSystem()
	x, ok := a.wslInterop()
	if !ok {
		return sys
	}
	return &wslHosts{System: sys, ask: func() []net.IP {
		// Without an answer these are the addresses kept from the last.
		ips, _ := x.WindowsHostAddrs(ctx, certDir)
		return ips
	}}
}

// portProxyCommands are what Windows needs, run by the user in an
// administrator PowerShell, for a phone to reach serve inside WSL2 under
// NAT: a port proxy from the Windows address to this VM, and a firewall
// rule for the port. rtdev prints them and never runs them.
func portProxyCommands(port int, wslAddr string) []string {
	return []string{
		fmt.Sprintf("netsh interface portproxy add v4tov4 listenport=%d listenaddress=0.0.0.0 connectport=%d connectaddress=%s", port, port, wslAddr),
		fmt.Sprintf("New-NetFirewallRule -DisplayName 'rtdev serve %d' -Direction Inbound -Protocol TCP -LocalPort %d -Action Allow", port, port),
	}
}

// printPortProxy prints, under serve --lan inside WSL2 in NAT mode, what
// Windows needs for a phone to reach this server: the certificate already
// lists the Windows address.
func printPortProxy(a *app, sys project.System, port int) {
	wh, ok := sys.(*wslHosts)
	if !ok || len(wh.windows()) == 0 {
		return
	}
	vm := project.PrimaryLANAddr(wh.System)
	if vm == "" {
		return
	}
	st := a.io.StylesErr()
	fmt.Fprintf(a.io.ErrOut, "%s\n", st.Muted.Render(fmt.Sprintf("// WSL2 (NAT): a phone opens https://%s:%d; Windows forwards the port to this VM after you run, in an administrator PowerShell on Windows (rtdev never runs them):", wh.windows()[0], port)))
	for _, c := range portProxyCommands(port, vm) {
		fmt.Fprintf(a.io.ErrOut, "  %s\n", st.Code.Render(c))
	}
	fmt.Fprintln(a.io.ErrOut)
}
