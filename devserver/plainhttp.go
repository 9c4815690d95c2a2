package devserver

import (
	"context"
	"crypto/x509"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// PlainHTTP is what plain HTTP gets on the TLS port. A phone cannot trust
// the HTTPS port before it has the CA, so the page that installs the CA
// has to come over plain HTTP (Safari installs profiles fetched that way,
// as mitmproxy's http://mitm.it onboarding relies on). Only Paths are served, only
// to GET and HEAD, and only under this server's own names and addresses:
// they hold the public CA certificate and nothing else.
type PlainHTTP struct {
	// Paths are the exact request paths served over plain HTTP.
	Paths []string
	// Handler serves Paths (it may serve more over HTTPS; plain HTTP never
	// reaches the rest).
	Handler http.Handler
	// Hosts are the names and addresses the certificate covers, in the
	// order a link should prefer them. Links on the refusal page are built
	// from these, never from the request's Host header, which any page on
	// the network can set.
	Hosts []string
	// SetupPath is the phone setup page the refusal page links to.
	SetupPath string
	// Certificate returns the certificate the TLS side presents now. Paths
	// are served only when the request's Host is a name or address it
	// covers or an address of this machine; any other Host gets 421. A
	// page on another site can point its own name at this machine (DNS
	// rebinding) and would then read the phone page, which names the user
	// and the computer, as its own: the browser sends that name as Host.
	// nil leaves only this machine's addresses.
	Certificate func() *x509.Certificate
}

// misdirectedBody answers a public path asked for under a name that is not
// this server's. It names no address: the reader may be a rebinding page
// that would like to learn the LAN address.
const misdirectedBody = "421 Misdirected Request: this server answers only to this computer's addresses and the names in its certificate.\n"

// servesHost reports whether hostport (a Host header) names this server: an
// address of this machine, or a name or address the certificate covers.
// The port is ignored, letter case too, and an IPv6 address may come in
// brackets.
func (p *PlainHTTP) servesHost(r *http.Request, hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.Trim(host, "[]"), ".")
	if host == "" {
		return false
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		if ip.Zone() != "" {
			return false
		}
		if thisMachine(r, ip.Unmap()) {
			return true
		}
		host = ip.Unmap().String()
	}
	var cert *x509.Certificate
	if p.Certificate != nil {
		cert = p.Certificate()
	}
	// VerifyHostname matches names without regard to case, wildcards by
	// one label, and IP literals against the IP addresses.
	return cert != nil && cert.VerifyHostname(host) == nil
}

// FromThisMachine reports whether the client of r (ClientAddr) runs on this
// machine, whichever of its addresses the browser used to get here.
func FromThisMachine(r *http.Request) bool {
	return thisMachine(r, ClientAddr(r))
}

// thisMachine reports whether ip is an address of this machine: loopback,
// the address the request reached, or one on an interface.
func thisMachine(r *http.Request, ip netip.Addr) bool {
	if ip.IsLoopback() {
		return true
	}
	if la, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if ap, err := netip.ParseAddrPort(la.String()); err == nil && ap.Addr().Unmap().WithZone("") == ip {
			return true
		}
	}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return false
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok {
			if ia, ok := netip.AddrFromSlice(n.IP); ok && ia.Unmap() == ip {
				return true
			}
		}
	}
	return false
}

// LinkHostPort is host:port for a link back to this server: the address
// the request reached when the certificate covers it ("localhost" for
// loopback), else the first of hosts. The port is the one the request
// reached.
func LinkHostPort(r *http.Request, hosts []string) string {
	host, port := "", ""
	if la, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if h, p, err := net.SplitHostPort(la.String()); err == nil {
			port = p
			ip := net.ParseIP(h)
			switch {
			case ip != nil && ip.IsLoopback() && slices.Contains(hosts, "localhost"):
				host = "localhost"
			case ip != nil && slices.Contains(hosts, ip.String()):
				host = ip.String()
			}
		}
	}
	if host == "" {
		host = "localhost"
		if len(hosts) > 0 {
			host = hosts[0]
		}
	}
	return net.JoinHostPort(host, port)
}

var refusalPage = template.Must(template.New("refusal").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Use https://</title>
</head>
<body style="font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1.25rem">
<h1>This port speaks HTTPS</h1>
<p>You opened an <code>http://</code> address on rtdev's TLS port. Open
<a id="https" href="{{.HTTPS}}">{{.HTTPS}}</a> instead, and use <code>wss://</code> for WebSockets.</p>
<p>Does this device not trust rtdev's certificate yet? Its setup page works over plain HTTP:
<a id="setup" href="{{.Setup}}">{{.Setup}}</a>.</p>
</body>
</html>
`))

// plainHandler serves p.Paths to GET and HEAD and refuses everything else:
// a browser gets a short page with links (never a redirect, which would
// turn a typo into a silent jump), other clients today's text answer.
func (s *Server) plainHandler(p *PlainHTTP) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = s.clientView(r)
		public := slices.Contains(p.Paths, r.URL.Path) && (r.Method == http.MethodGet || r.Method == http.MethodHead)
		if public && p.servesHost(r, ClientHost(r)) {
			p.Handler.ServeHTTP(w, r)
			return
		}
		s.stats.plaintext.Add(1)
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if public {
			s.log.Warn("plain HTTP request for a host this server does not serve", "remote", clientRemote(r), "host", ClientHost(r), "path", r.URL.Path)
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusMisdirectedRequest)
			_, _ = w.Write([]byte(misdirectedBody))
			return
		}
		if wantsPage(r) {
			hostport := LinkHostPort(r, p.Hosts)
			https := (&url.URL{Scheme: "https", Host: hostport, Path: r.URL.Path}).String()
			setup := (&url.URL{Scheme: "http", Host: hostport, Path: p.SetupPath}).String()
			s.log.Warn("plain HTTP request on the TLS port", "remote", clientRemote(r), "path", r.URL.Path, "use", https)
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
			w.WriteHeader(http.StatusBadRequest)
			_ = refusalPage.Execute(w, map[string]string{"HTTPS": https, "Setup": setup})
			return
		}
		_, port, _ := net.SplitHostPort(LinkHostPort(r, p.Hosts))
		hostport := answerHostPort(r.Host, port)
		s.log.Warn("plain HTTP request on the TLS port", "remote", clientRemote(r), "path", r.URL.Path, "use", "https://"+hostport+r.URL.Path)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Connection", "close")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(plaintextAnswer(hostport, port, r.URL.Path)))
	})
}

// plainSide is the second http.Server of one sniffed listener: the
// connections whose first byte was not a TLS handshake are handed to it.
// It starts with the first such connection and stops when the listener is
// closed (http.Server.Shutdown closes it).
type plainSide struct {
	s     *Server
	once  sync.Once
	conns chan net.Conn
	done  chan struct{}
	addr  net.Addr
	hs    *http.Server
	shut  sync.Once
}

func newPlainSide(s *Server, addr net.Addr) *plainSide {
	return &plainSide{s: s, addr: addr, conns: make(chan net.Conn), done: make(chan struct{})}
}

// hand gives c to the plain server, or closes it when the listener is
// already closed.
func (p *plainSide) hand(c net.Conn) {
	p.once.Do(func() {
		p.hs = &http.Server{
			Handler:           p.s.plainHandler(p.s.cfg.PlainHTTP),
			ReadHeaderTimeout: p.s.cfg.HandshakeTimeout,
			WriteTimeout:      p.s.cfg.WriteTimeout,
			IdleTimeout:       p.s.cfg.HandshakeTimeout,
			MaxHeaderBytes:    plaintextReadLimit,
			// "OPTIONS *" would get net/http's own 200; here it is
			// refused like every path but the public ones.
			DisableGeneralOptionsHandler: true,
			// Routine failures (a client that hangs up) stay at Debug, as on
			// the TLS side.
			ErrorLog: slog.NewLogLogger(p.s.log.Handler(), slog.LevelDebug),
		}
		go func() { _ = p.hs.Serve(chanListener{p}) }()
	})
	select {
	case p.conns <- c:
	case <-p.done:
		_ = c.Close()
	}
}

// close stops the plain server: new connections are refused at once, the
// ones in flight (a file download of a few KiB) get a second to finish.
func (p *plainSide) close() {
	p.shut.Do(func() {
		close(p.done)
		p.once.Do(func() {}) // a later hand must not start a server
		if p.hs == nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if p.hs.Shutdown(ctx) != nil {
			_ = p.hs.Close()
		}
	})
}

// chanListener is the net.Listener the plain server accepts from.
type chanListener struct{ p *plainSide }

func (l chanListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.p.conns:
		return c, nil
	case <-l.p.done:
		return nil, net.ErrClosed
	}
}

func (l chanListener) Close() error   { return nil } // plainSide.close ends it
func (l chanListener) Addr() net.Addr { return l.p.addr }

// replayConn returns the sniffed first byte before reading on.
type replayConn struct {
	net.Conn
	first []byte
}

func (c *replayConn) Read(b []byte) (int, error) {
	if len(c.first) > 0 && len(b) > 0 {
		n := copy(b, c.first)
		c.first = c.first[n:]
		return n, nil
	}
	return c.Conn.Read(b)
}
