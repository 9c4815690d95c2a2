package proxy

import (
	"errors"
	"fmt"
	"net"
	"syscall"

	"github.com/rtdev/rtdev/internal/tlsserve"
)

// ListenOptions says where a proxy listens, with rtdev serve's policy:
// 127.0.0.1 and ::1 by default (a browser may resolve localhost to
// either), every interface with LAN, or the one Bind address.
type ListenOptions struct {
	Port int
	Bind string
	LAN  bool
	// TryNext moves on to the next port (up to 20 of them) while Port is
	// taken: set when the port is the default rather than one the user
	// asked for.
	TryNext bool
}

// PortInUseError is a port another program holds.
type PortInUseError struct {
	Port int
	Err  error
}

func (e *PortInUseError) Error() string { return fmt.Sprintf("port %d is in use: %v", e.Port, e.Err) }
func (e *PortInUseError) Unwrap() error { return e.Err }

// Listen opens the listeners for o and returns them with the port they got.
func Listen(o ListenOptions) ([]net.Listener, int, error) {
	tries := 1
	if o.TryNext {
		tries = 20
	}
	var err error
	for port := o.Port; port < o.Port+tries && port <= 65535; port++ {
		var lns []net.Listener
		if lns, err = listenPort(o, port); err == nil {
			return lns, port, nil
		}
		if !errors.Is(err, syscall.EADDRINUSE) {
			return nil, 0, err
		}
	}
	return nil, 0, &PortInUseError{Port: o.Port, Err: err}
}

// listenPort opens port with rtdev serve's listen policy.
func listenPort(o ListenOptions, port int) ([]net.Listener, error) {
	return tlsserve.Listen(port, o.Bind, o.LAN)
}
