//go:build linux

package netns

import (
	"context"
	"errors"
	"net"
	"strconv"
	"testing"
	"time"
)

// While held, localhost:port neither connects nor fails, on IPv4 and IPv6,
// while the namespace's other address on the same port connects; released,
// the waiting connect completes.
func TestHoldLoopbackPort(t *testing.T) {
	ip := Require(t)
	ns := Name(Tag(), "hold")
	Add(t, ip, ns)
	const other = "198.18.7.1"
	Run(t, ip, "-n", ns, "addr", "add", other+"/32", "dev", "lo")
	// The kernel completes a handshake into the backlog: no Accept needed.
	ln4, err := Listen(ns, "tcp4", "0.0.0.0:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln4.Close()
	port := ln4.Addr().(*net.TCPAddr).Port
	ln6, err := Listen(ns, "tcp6", net.JoinHostPort("::1", strconv.Itoa(port)))
	if err != nil {
		t.Fatal(err)
	}
	defer ln6.Close()
	dial := func(addr string, within time.Duration) error {
		ctx, cancel := context.WithTimeout(context.Background(), within)
		defer cancel()
		c, err := Dial(ctx, ns, "tcp", net.JoinHostPort(addr, strconv.Itoa(port)))
		if err == nil {
			c.Close()
		}
		return err
	}

	release := HoldLoopbackPort(t, ns, port)
	for _, a := range []string{"127.0.0.1", "::1"} {
		var ne net.Error
		if err := dial(a, 1500*time.Millisecond); !errors.Is(err, context.DeadlineExceeded) && !(errors.As(err, &ne) && ne.Timeout()) {
			t.Errorf("held %s: %v, want a connect still waiting", a, err)
		}
	}
	if err := dial(other, 5*time.Second); err != nil {
		t.Errorf("%s on the same port: %v", other, err)
	}

	// A connect waiting when the hold ends completes on the SYN retry.
	waiting := make(chan error, 1)
	go func() { waiting <- dial("127.0.0.1", 15*time.Second) }()
	time.Sleep(500 * time.Millisecond)
	release()
	if err := <-waiting; err != nil {
		t.Errorf("after release: %v", err)
	}
}
