package tlsserve

import (
	"errors"
	"fmt"
	"github.com/rtdev/rtdev/internal/netaddr"
	"net"
	"strconv"
	"strings"
	"syscall"
)

// nextPorts is how many ports Listen tries with TryNext, the first
// included.
const nextPorts = 20

// ListenOptions says where rtdev serve or a proxy listens: by default
// 127.0.0.1 and ::1, because a browser may resolve localhost to either
// (Chrome tries ::1 first on many systems); every interface with LAN, so a
// phone on the Wi-Fi can connect; otherwise the one Bind address.
type ListenOptions struct {
	Port int
	Bind string
	LAN  bool
	// TryNext moves on to the next port (up to 20 of them) while Port is
	// taken: set when the port is the default rather than one the user
	// asked for.
	TryNext bool
}

// Listen opens the sockets for o and returns them with the port they got.
// A missing ::1 (IPv6 turned off) is not an error: the IPv4 loopback is
// enough. Serve all of them on one server. An error is a *ListenError.
func Listen(o ListenOptions) ([]net.Listener, int, error) {
	last := o.Port
	if o.TryNext {
		last = min(o.Port+nextPorts-1, netaddr.MaxPort)
	}
	for port := o.Port; ; port++ {
		lns, err := listenPort(port, o.Bind, o.LAN)
		if err == nil {
			return lns, port, nil
		}
		if port >= last || !err.InUse() {
			return nil, 0, err
		}
	}
}

// listenPort opens the sockets for one port.
func listenPort(port int, bind string, lan bool) ([]net.Listener, *ListenError) {
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
			le := &ListenError{Addr: addr, Port: port, Err: err}
			// ::1 may be absent (IPv6 off); but another program holding
			// ::1:port would take the browser's localhost, so that is
			// an error.
			if i > 0 && strings.HasPrefix(addr, "[::1]") && !le.InUse() {
				continue
			}
			for _, l := range lns {
				_ = l.Close()
			}
			return nil, le
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
// another program has the port. With TryNext, it is the last port tried.
type ListenError struct {
	Addr string
	Port int
	Err  error
}

func (e *ListenError) Error() string { return fmt.Sprintf("listen on %s: %v", e.Addr, e.Err) }
func (e *ListenError) Unwrap() error { return e.Err }

// InUse reports whether another program holds the port, rather than the
// address being unusable (not this machine's, not permitted).
func (e *ListenError) InUse() bool { return errors.Is(e.Err, syscall.EADDRINUSE) }
