package target

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"github.com/rtdev/rtdev/internal/netaddr"
)

// Target is the plain backend a route forwards to.
type Target struct {
	// Host is host:port, as dialled. A bare port means 127.0.0.1, not
	// "localhost": localhost may resolve to ::1 first, where a dev server
	// bound to 127.0.0.1 does not listen.
	Host string
}

// String is the backend's http:// URL.
func (t Target) String() string { return "http://" + t.Host }

// Loopback reports whether the target is this machine: localhost or an
// address in 127.0.0.0/8 or ::1. Only such targets may come from a
// committed rtdev.toml.
func (t Target) Loopback() bool {
	host, _, err := net.SplitHostPort(t.Host)
	return err == nil && netaddr.Loopback(host)
}

// Error is a target that does not parse; Hint says what to write.
type Error struct {
	Value  string
	Reason string
}

func (e *Error) Error() string { return fmt.Sprintf("target %q: %s", e.Value, e.Reason) }

// Hint shows the forms a target takes.
func (e *Error) Hint() string {
	return "give a port (8000), host:port (127.0.0.1:8000) or an http:// or ws:// URL (ws://localhost:8000)"
}

// Parse reads a backend given as a port ("8000"), host:port
// ("127.0.0.1:8000", "[::1]:8000") or an http:// or ws:// URL with no path.
// https:// and wss:// are refused: the proxy exists for backends that do
// not speak TLS, and one that does can be reached directly.
func Parse(s string) (Target, error) {
	s = strings.TrimSpace(s)
	bad := func(reason string) (Target, error) { return Target{}, &Error{Value: s, Reason: reason} }
	if s == "" {
		return bad("it is empty")
	}
	if _, err := strconv.Atoi(s); err == nil {
		return hostPort("127.0.0.1", s, s)
	}
	if !strings.Contains(s, "://") {
		host, port, err := net.SplitHostPort(s)
		if err != nil {
			return bad("it is not a port, host:port or URL")
		}
		return hostPort(host, port, s)
	}
	u, err := url.Parse(s)
	if err != nil {
		return bad("it is not a URL")
	}
	switch u.Scheme {
	case "http", "ws":
	case "https", "wss":
		return bad(u.Scheme + ":// backends already speak TLS: connect to them directly; the proxy is for plain http:// and ws:// servers")
	default:
		return bad("use http:// or ws://, not " + u.Scheme + "://")
	}
	if u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		// Requests keep their own path; a prefix on the backend would be
		// a second, hidden rewrite to debug.
		return bad("give only the scheme, host and port: requests keep their own path")
	}
	port := u.Port()
	if port == "" {
		port = "80"
	}
	return hostPort(u.Hostname(), port, s)
}

func hostPort(host, port, orig string) (Target, error) {
	n, err := strconv.Atoi(port)
	if err != nil || !netaddr.ValidPort(n) {
		return Target{}, &Error{Value: orig, Reason: "the port must be a number from " + netaddr.PortRange}
	}
	if host == "" {
		host = "127.0.0.1"
	}
	return Target{Host: net.JoinHostPort(host, strconv.Itoa(n))}, nil
}

// CleanPath normalises a route path: "" is "/", a trailing slash is
// dropped ("/api/" matches as "/api"), and it must start with "/".
func CleanPath(p string) (string, error) {
	if p == "" || p == "/" {
		return "/", nil
	}
	if !strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("path %q must start with /", p)
	}
	if strings.ContainsAny(p, "?#") {
		return "", fmt.Errorf("path %q must not hold a query or fragment", p)
	}
	if p = strings.TrimRight(p, "/"); p == "" {
		return "/", nil
	}
	return p, nil
}
