//go:build linux

package netns

import (
	"context"
	"errors"
	"net"
	"os/exec"
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
	port := 19443
	srv := exec.Command(ip, "netns", "exec", ns, "python3", "-c", `
import socket, sys, time
port = int(sys.argv[1])
for fam, host in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::1")):
    s = socket.socket(fam)
    s.bind((host, port))
    s.listen(16)
    globals()["keep" + str(fam)] = s
print("up", flush=True)
time.sleep(120)
`, strconv.Itoa(port))
	out, err := srv.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Process.Kill(); _ = srv.Wait() })
	if _, err := out.Read(make([]byte, 3)); err != nil {
		t.Fatalf("listener: %v", err)
	}
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
