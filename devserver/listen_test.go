package devserver

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/rtdev/rtdev/internal/testtool"
	"github.com/rtdev/rtdev/internal/tlsserve"
)

// twoListeners is two loopback listeners: 127.0.0.1 and ::1 where there is
// an IPv6 loopback, else two IPv4 ports.
func twoListeners(t *testing.T) []net.Listener {
	t.Helper()
	lns, _, err := tlsserve.Listen(tlsserve.ListenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(lns) == 1 {
		lns = append(lns, listen(t))
	}
	return lns
}

// getRoot fetches the PeerJS root document from addr over HTTPS.
func getRoot(addr string, conf *tls.Config) error {
	c := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: conf, DisableKeepAlives: true}}
	resp, err := c.Get("https://" + addr + "/")
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "PeerJS Server") {
		return fmt.Errorf("GET / on %s: %d %s", addr, resp.StatusCode, body)
	}
	return nil
}

func TestServeListenersServesEach(t *testing.T) {
	pki := newTestPKI(t, "devserver.localhost")
	srv, err := New(Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	lns := twoListeners(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.ServeListeners(ctx, lns, pki.serverConfig(), nil) }()
	for _, addr := range tlsserve.Addrs(lns) {
		if err := getRoot(addr, pki.clientConfig()); err != nil {
			t.Error(err)
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("ServeListeners = %v", err)
		}
	case <-time.After(waitTimeout):
		t.Fatal("ServeListeners did not return after its context ended")
	}
	for _, addr := range tlsserve.Addrs(lns) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			t.Errorf("%s still accepts after shutdown", addr)
		}
	}
}

// emfileChildEnv marks the re-executed test binary as the server child.
const emfileChildEnv = "RTDEV_TEST_EMFILE_CHILD"

// TestServeListenersEMFILEChild is the server half of
// TestServeListenersAfterEMFILE; run directly it does nothing. It prints
// "addrs A B" and "ca FILE", serves until stdin closes and logs at Debug to
// stderr, where net/http reports accept errors.
func TestServeListenersEMFILEChild(t *testing.T) {
	if os.Getenv(emfileChildEnv) != "1" {
		return
	}
	pki := newTestPKI(t, "devserver.localhost")
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := New(Config{Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	lns := twoListeners(t)
	fmt.Printf("ca %s\naddrs %s\n", pki.CAFile, strings.Join(tlsserve.Addrs(lns), " "))
	ctx, cancel := context.WithCancel(context.Background())
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); cancel() }()
	if err := srv.ServeListeners(ctx, lns, pki.serverConfig(), nil); err != nil {
		t.Fatal(err)
	}
}

// TestServeListenersAfterEMFILE runs the server in a child process whose
// file limit is 64, opens connections until its accept fails with EMFILE,
// closes them, and checks that every listener accepts again: net/http
// backs off and retries, where a listener merger that stopped at the first
// accept error left 127.0.0.1 dead.
func TestServeListenersAfterEMFILE(t *testing.T) {
	prlimit := testtool.Need(t, "prlimit")
	child := exec.Command(prlimit, "--nofile=64:64", "--", os.Args[0], "-test.run=^TestServeListenersEMFILEChild$")
	child.Env = append(os.Environ(), emfileChildEnv+"=1")
	stdin, err := child.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := child.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := child.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	emfile := make(chan struct{})
	logDone := make(chan struct{})
	go func() {
		defer close(logDone)
		sc := bufio.NewScanner(stderr)
		seen := false
		for sc.Scan() {
			log.WriteString(sc.Text() + "\n")
			if !seen && strings.Contains(sc.Text(), "too many open files") {
				seen = true
				close(emfile)
			}
		}
	}()
	defer func() {
		_ = stdin.Close()
		_ = child.Process.Kill()
		<-logDone
		_ = child.Wait()
		if t.Failed() {
			t.Logf("child log:\n%s", log.String())
		}
	}()

	var caFile string
	var addrs []string
	sc := bufio.NewScanner(stdout)
	for (caFile == "" || addrs == nil) && sc.Scan() {
		if f, ok := strings.CutPrefix(sc.Text(), "ca "); ok {
			caFile = f
		}
		if a, ok := strings.CutPrefix(sc.Text(), "addrs "); ok {
			addrs = strings.Fields(a)
		}
	}
	if caFile == "" || len(addrs) != 2 {
		t.Fatalf("the child printed no CA and addresses (ca %q, addrs %v)", caFile, addrs)
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	conf := clientConfigFrom(t, caFile)

	// Twice the child's limit, spread over both listeners: the kernel
	// completes the connections into the backlog, and the child's accepts
	// run out of descriptors.
	var held []net.Conn
	for i := 0; i < 128; i++ {
		c, err := net.DialTimeout("tcp", addrs[i%2], 5*time.Second)
		if err != nil {
			t.Fatalf("dial %d: %v", i, err)
		}
		held = append(held, c)
	}
	select {
	case <-emfile:
	case <-time.After(20 * time.Second):
		t.Fatal("the child never hit EMFILE")
	}
	for _, c := range held {
		_ = c.Close()
	}
	for _, addr := range addrs {
		deadline := time.Now().Add(20 * time.Second)
		for {
			err := getRoot(addr, conf)
			if err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Errorf("%s never accepted again after EMFILE: %v", addr, err)
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// clientConfigFrom trusts the CA certificate in file alone.
func clientConfigFrom(t *testing.T, file string) *tls.Config {
	t.Helper()
	pem, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("%s holds no certificate", file)
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
}
