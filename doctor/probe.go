package doctor

import (
	"context"
	"crypto/x509"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rtdev/rtdev/internal/netaddr"
	"github.com/rtdev/rtdev/trust"
)

// Target is a parsed probe target.
type Target struct {
	Scheme string // "https", "wss", "http" or "ws"
	Host   string // name or address, without brackets
	Port   string
	// Path is the escaped path with its query; "/" when the URL had none.
	Path string
}

// ParseTarget parses an https://, wss://, http:// or ws:// URL, or a bare
// host:port (taken as https, the scheme a realtime app should use). A
// missing host means localhost, so ":9000" probes rtdev serve's port.
func ParseTarget(s string) (Target, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Target{}, fmt.Errorf("parse target: empty")
	}
	if !strings.Contains(s, "://") {
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		return Target{}, fmt.Errorf("parse target: %w", err)
	}
	t := Target{Scheme: strings.ToLower(u.Scheme), Host: u.Hostname(), Port: u.Port(), Path: u.EscapedPath()}
	defaultPort, ok := map[string]string{"https": "443", "wss": "443", "http": "80", "ws": "80"}[t.Scheme]
	if !ok {
		return Target{}, fmt.Errorf("parse target %q: unsupported scheme %q (use https, wss, http or ws)", s, u.Scheme)
	}
	if t.Host == "" {
		if t.Port == "" {
			return Target{}, fmt.Errorf("parse target %q: no host", s)
		}
		t.Host = "localhost"
	}
	if t.Port == "" {
		t.Port = defaultPort
	}
	if n, err := strconv.Atoi(t.Port); err != nil || !netaddr.ValidPort(n) {
		return Target{}, fmt.Errorf("parse target %q: invalid port %q", s, t.Port)
	}
	if t.Path == "" {
		t.Path = "/"
	}
	if u.RawQuery != "" {
		t.Path += "?" + u.RawQuery
	}
	return t, nil
}

// TLS reports whether the scheme expects TLS.
func (t Target) TLS() bool { return t.Scheme == "https" || t.Scheme == "wss" }

// WebSocket reports whether the target is a ws:// or wss:// URL.
func (t Target) WebSocket() bool { return t.Scheme == "ws" || t.Scheme == "wss" }

// Addr is host:port for dialing.
func (t Target) Addr() string { return net.JoinHostPort(t.Host, t.Port) }

// String is the normalised URL.
func (t Target) String() string { return t.Scheme + "://" + t.Addr() + t.Path }

// withScheme is the target's URL with another scheme.
func (t Target) withScheme(scheme string) string {
	t.Scheme = scheme
	return t.String()
}

// httpScheme is the HTTP scheme on the same port: https for TLS targets.
func (t Target) httpScheme() string {
	if t.TLS() {
		return "https"
	}
	return "http"
}

// wsScheme is the WebSocket scheme on the same port.
func (t Target) wsScheme() string {
	if t.TLS() {
		return "wss"
	}
	return "ws"
}

// ProbeOptions configures Probe.
type ProbeOptions struct {
	// RootCAs is what this machine trusts (cmd passes the system roots);
	// nil uses the system roots. Leave the rtdev CA out unless it is
	// installed: "signed by your CA but not trusted here" is a finding.
	RootCAs *x509.CertPool
	// RTDevCA is the user's CA, to tell its certificates from others'.
	// It may be nil.
	RTDevCA *x509.Certificate
	// Clients is each client family's trust in RTDevCA (see Clients). When
	// set, a certificate from RTDevCA is judged per family, as the store
	// findings are, instead of by RootCAs alone; RootCAs verifying it
	// still counts as the OS tools trusting it.
	Clients []ClientTrust
	// PeerJS probes a PeerJS server: the URL's path is the client's path
	// option; the id fetch and a WebSocket OPEN must succeed.
	PeerJS bool
	// PeerKey is the PeerJS key; "" is "peerjs".
	PeerKey string
	// Origin is a page origin (https://localhost:5173) to check CORS for,
	// and the Origin sent on WebSocket upgrades.
	Origin string
	// Project is this project's certificate set, to tell a server
	// presenting another certificate from one that needs a new one; nil
	// outside a project.
	Project *ProjectCert
	// StoreRoots lists the CA certificates the trust stores that
	// browsers read trust (the NSS databases on Linux), so a chain from a
	// CA that is not rtdev's is judged by what browsers trust, not by
	// RootCAs alone. It is called only for a chain RootCAs rejects; nil
	// reads nothing.
	StoreRoots func(context.Context) []trust.Root
	// Timeout bounds each step (connect, handshake, request); 0 is 5s.
	Timeout time.Duration
	// Now is the time certificates are judged at; zero is time.Now().
	Now time.Time
	// aiaAddrAllowed replaces the rule that AIA fetches dial public
	// addresses only; tests set it to reach their loopback servers.
	aiaAddrAllowed func(net.IP) bool
}

// DefaultProbeTimeout bounds each probe step when ProbeOptions.Timeout is 0.
const DefaultProbeTimeout = 5 * time.Second

// Probe connects to target and reports what a client meets there, step by
// step: TCP, TLS or plain HTTP, the certificate, the WebSocket upgrade, the
// PeerJS id fetch and OPEN, and CORS. It stops at a step that fails in a way
// that leaves nothing to check behind it (a refused port, a failed
// handshake); a certificate problem does not stop it, so a wrong path is
// reported along with a wrong certificate.
func Probe(ctx context.Context, target string, o ProbeOptions) []Finding {
	t, err := ParseTarget(target)
	if err != nil {
		return []Finding{{ID: IDTargetInvalid, Severity: SeverityError, Subject: target,
			Message: err.Error(), Fix: "rtdev doctor https://localhost:9000/"}}
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultProbeTimeout
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.PeerKey == "" {
		o.PeerKey = "peerjs"
	}
	o.Origin = strings.TrimSuffix(o.Origin, "/")
	p := &prober{t: t, o: o}
	// The browser holds the request at the prompt before it connects.
	return append(checkLNA(t, o.Origin), p.run(ctx)...)
}

// prober holds one Probe's target and options.
type prober struct {
	t Target
	o ProbeOptions
}

// finding is a Finding about the probed URL, in its normal form.
func (p *prober) finding(id string, sev Severity, msg, fix string, details map[string]any) Finding {
	return Finding{ID: id, Severity: sev, Subject: p.t.String(), Message: msg, Fix: fix, Details: details}
}

func (p *prober) run(ctx context.Context) []Finding {
	conn, f := p.dial(ctx)
	if f != nil {
		return []Finding{*f}
	}
	var out []Finding
	var ok bool
	if p.t.TLS() {
		out, ok = p.checkTLS(ctx, conn)
	} else {
		out, ok = p.checkPlain(ctx, conn)
	}
	if !ok {
		return out
	}
	out = append(out, p.checkMixedContent(ctx)...)
	switch {
	case p.o.PeerJS:
		out = append(out, p.checkPeerJS(ctx)...)
	case p.t.WebSocket():
		out = append(out, p.checkWebSocket(ctx)...)
	}
	// Browsers apply no CORS to WebSocket upgrades; the Origin header was
	// sent on the upgrade above instead.
	if p.o.Origin != "" && (p.o.PeerJS || !p.t.WebSocket()) {
		out = append(out, p.checkCORS(ctx)...)
	}
	return out
}
