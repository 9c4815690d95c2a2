package proxy

import (
	"errors"
	"net"
	"testing"
)

// A taken default port moves on to the next free one; a port the user
// asked for does not.
func TestListenTriesNextPortOnlyWhenAllowed(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	p := taken.Addr().(*net.TCPAddr).Port

	_, _, err = Listen(ListenOptions{Port: p, Bind: "127.0.0.1"})
	var pe *PortInUseError
	if !errors.As(err, &pe) || pe.Port != p {
		t.Fatalf("a taken port without TryNext: %v", err)
	}
	lns, got, err := Listen(ListenOptions{Port: p, Bind: "127.0.0.1", TryNext: true})
	if err != nil {
		t.Fatalf("no free port after %d: %v", p, err)
	}
	defer lns[0].Close()
	if got <= p || lns[0].Addr().(*net.TCPAddr).Port != got {
		t.Errorf("got port %d (listener %s), want one after %d", got, lns[0].Addr(), p)
	}
}
