package tlsserve

import (
	"net"
	"net/netip"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"
)

// TestFollow serves the addresses a list returns as it changes: 127.0.0.2
// and 127.0.0.3 stand for two container bridges (Linux answers on all of
// 127/8). An address added is served within FollowEvery, one removed is
// closed, and one never listed is never served.
func TestFollow(t *testing.T) {
	var mu sync.Mutex
	addrs := []netip.Prefix{netip.MustParsePrefix("127.0.0.2/8")}
	list := func() []netip.Prefix { mu.Lock(); defer mu.Unlock(); return slices.Clone(addrs) }
	port := freePort(t)
	f := NewFollow(port, list, nil)
	defer f.Close()
	go func() {
		for {
			c, err := f.Accept()
			if err != nil {
				return
			}
			_, _ = c.Write([]byte("hi"))
			_ = c.Close()
		}
	}()
	if !answers(t, "127.0.0.2", port) {
		t.Fatal("127.0.0.2 is not served from the start")
	}
	if answers(t, "127.0.0.3", port) {
		t.Fatal("127.0.0.3 is served before it is listed")
	}
	mu.Lock()
	addrs = []netip.Prefix{netip.MustParsePrefix("127.0.0.3/8")}
	mu.Unlock()
	if !eventually(func() bool { return answers(t, "127.0.0.3", port) && !answers(t, "127.0.0.2", port) }) {
		t.Errorf("after the change: served %v, want only 127.0.0.3", f.Addrs())
	}
	// A network that does not hold the client: 127.0.0.3/32 is only the
	// address itself, and the client dials from 127.0.0.1.
	mu.Lock()
	addrs = []netip.Prefix{netip.MustParsePrefix("127.0.0.3/32")}
	mu.Unlock()
	if !eventually(func() bool { return !answers(t, "127.0.0.3", port) }) {
		t.Error("a connection from outside the network was served")
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if answers(t, "127.0.0.3", port) {
		t.Error("served after Close")
	}
	if _, err := f.Accept(); err == nil {
		t.Error("Accept after Close returned no error")
	}
}

func answers(t *testing.T, host string, port int) bool {
	t.Helper()
	c, err := net.DialTimeout("tcp", net.JoinHostPort(host, strconv.Itoa(port)), time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	b := make([]byte, 2)
	n, _ := c.Read(b)
	return string(b[:n]) == "hi"
}

func eventually(ok func() bool) bool {
	for deadline := time.Now().Add(3 * FollowEvery); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if ok() {
			return true
		}
	}
	return false
}

// freePort is a TCP port free on 127.0.0.2 and 127.0.0.3 right now.
func freePort(t *testing.T) int {
	t.Helper()
	for range 20 {
		ln, err := net.Listen("tcp", "127.0.0.2:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		_ = ln.Close()
		if other, err := net.Listen("tcp", net.JoinHostPort("127.0.0.3", strconv.Itoa(port))); err == nil {
			_ = other.Close()
			return port
		}
	}
	t.Fatal("no port free on both 127.0.0.2 and 127.0.0.3")
	return 0
}
