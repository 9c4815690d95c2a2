package netutil

import (
	"errors"
	"io"
	"net"
	"testing"
)

func TestMultiListenerAcceptsFromEach(t *testing.T) {
	a, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m := MultiListener(a, b)
	defer m.Close()
	for _, addr := range []string{a.Addr().String(), b.Addr().String()} {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = c.Write([]byte(addr))
		_ = c.Close()
		got, err := m.Accept()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(got)
		if string(data) != addr {
			t.Fatalf("accepted %q, want the connection to %s", data, addr)
		}
		_ = got.Close()
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("Accept after Close = %v, want net.ErrClosed", err)
	}
	if _, err := net.Dial("tcp", a.Addr().String()); err == nil {
		t.Fatal("first listener still open after Close")
	}
}
