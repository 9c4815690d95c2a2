package testtool

import (
	"net"
	"testing"
)

// Serve accepts connections on ln until the test ends, running handle on
// each in its own goroutine and closing the connection after it: the one
// accept loop for tests' raw and TLS servers.
func Serve(t testing.TB, ln net.Listener, handle func(net.Conn)) {
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				handle(c)
			}()
		}
	}()
}
