package tlsserve

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"syscall"
)

// Listen opens the sockets rtdev serve listens on for port: by default
// 127.0.0.1 and ::1, because a browser may resolve localhost to either
// (Chrome tries ::1 first on many systems); every interface when lan is
// set, so a phone on the Wi-Fi can connect; otherwise the one bind address.
// A missing ::1 (IPv6 turned off) is not an error: the IPv4 loopback is
// enough. Serve all of them on one server.
func Listen(port int, bind string, lan bool) ([]net.Listener, error) {
	p := strconv.Itoa(port)
	var addrs []string
	switch {
	case lan:
		addrs = []string{":" + p}
	case bind == "" || bind == "127.0.0.1" || bind == "localhost":
		addrs = []string{"127.0.0.1:" + p, "[::1]:" + p}
	default:
		addrs = []string{net.JoinHostPort(bind, p)}
	}
	var lns []net.Listener
	for i, addr := range addrs {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			// ::1 may be absent (IPv6 off); but another program holding
			// ::1:port would take the browser's localhost, so that is
			// an error.
			if i > 0 && strings.HasPrefix(addr, "[::1]") && !errors.Is(err, syscall.EADDRINUSE) {
				continue
			}
			for _, l := range lns {
				_ = l.Close()
			}
			return nil, &ListenError{Addr: addr, Port: port, Err: err}
		}
		lns = append(lns, ln)
	}
	return lns, nil
}

// Addrs lists the addresses lns are bound to, for a banner.
func Addrs(lns []net.Listener) []string {
	out := make([]string, len(lns))
	for i, ln := range lns {
		out[i] = ln.Addr().String()
	}
	return out
}

// ListenError is a socket that could not be opened, most often because
// another program has the port.
type ListenError struct {
	Addr string
	Port int
	Err  error
}

func (e *ListenError) Error() string { return fmt.Sprintf("listen on %s: %v", e.Addr, e.Err) }
func (e *ListenError) Unwrap() error { return e.Err }
