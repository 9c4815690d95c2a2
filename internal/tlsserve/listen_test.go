package tlsserve

import (
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
)

func closeAll(lns []net.Listener) {
	for _, ln := range lns {
		_ = ln.Close()
	}
}

func ipv6Loopback(t *testing.T) bool {
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		return false
	}
	_ = ln.Close()
	return true
}

func TestListenPolicy(t *testing.T) {
	t.Run("loopback by default", func(t *testing.T) {
		for _, bind := range []string{"", "127.0.0.1", "localhost"} {
			lns, _, err := Listen(ListenOptions{Bind: bind})
			if err != nil {
				t.Fatal(err)
			}
			addrs := Addrs(lns)
			closeAll(lns)
			want := 1
			if ipv6Loopback(t) {
				want = 2
			}
			if len(addrs) != want || !strings.HasPrefix(addrs[0], "127.0.0.1:") || (want == 2 && !strings.HasPrefix(addrs[1], "[::1]:")) {
				t.Errorf("bind %q: listening on %v", bind, addrs)
			}
		}
	})
	t.Run("one bind address", func(t *testing.T) {
		lns, _, err := Listen(ListenOptions{Bind: "127.0.0.2"})
		if err != nil {
			t.Skipf("127.0.0.2: %v", err)
		}
		defer closeAll(lns)
		if a := Addrs(lns); len(a) != 1 || !strings.HasPrefix(a[0], "127.0.0.2:") {
			t.Errorf("listening on %v", a)
		}
	})
	t.Run("every interface with lan", func(t *testing.T) {
		lns, _, err := Listen(ListenOptions{LAN: true})
		if err != nil {
			t.Fatal(err)
		}
		defer closeAll(lns)
		if len(lns) != 1 || !lns[0].Addr().(*net.TCPAddr).IP.IsUnspecified() {
			t.Errorf("listening on %v", Addrs(lns))
		}
	})
	t.Run("a taken port names itself", func(t *testing.T) {
		taken, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer taken.Close()
		port := taken.Addr().(*net.TCPAddr).Port
		_, _, err = Listen(ListenOptions{Port: port})
		var le *ListenError
		if !errors.As(err, &le) || le.Port != port || le.Addr != "127.0.0.1:"+strconv.Itoa(port) || !le.InUse() {
			t.Fatalf("err = %v, want a ListenError for 127.0.0.1:%d", err, port)
		}
	})
	t.Run("a ::1 that cannot be had is left out", func(t *testing.T) {
		if !ipv6Loopback(t) {
			t.Skip("no IPv6 loopback here")
		}
		v6, err := net.Listen("tcp", "[::1]:0")
		if err != nil {
			t.Fatal(err)
		}
		defer v6.Close()
		port := v6.Addr().(*net.TCPAddr).Port
		lns, _, err := Listen(ListenOptions{Port: port})
		if err != nil {
			t.Skipf("127.0.0.1:%d is taken too: %v", port, err)
		}
		defer closeAll(lns)
		if a := Addrs(lns); len(a) != 1 || a[0] != "127.0.0.1:"+strconv.Itoa(port) {
			t.Errorf("listening on %v, want the IPv4 loopback alone", a)
		}
	})
}

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
	var le *ListenError
	if !errors.As(err, &le) || le.Port != p || !le.InUse() {
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

// An address that cannot be had for another reason than a taken port is
// not retried on the next port: the next one would fail the same way.
func TestListenTriesNextOnlyPastTakenPorts(t *testing.T) {
	// 192.0.2.1 (TEST-NET-1, RFC 5737) is no interface's address here.
	_, _, err := Listen(ListenOptions{Port: 9, Bind: "192.0.2.1", TryNext: true})
	var le *ListenError
	if !errors.As(err, &le) || le.Port != 9 || le.InUse() {
		t.Fatalf("Listen on 192.0.2.1:9 = %v, want a ListenError for port 9, not in use", err)
	}
}
