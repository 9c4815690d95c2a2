package devserver

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// idlePeersEnv tells the test binary, started again by BenchmarkIdlePeers,
// to be the client side: "ADDR PEERS CAFILE".
const idlePeersEnv = "RTDEV_IDLE_PEERS_CLIENT"

// BenchmarkIdlePeers measures what an idle connected peer costs the server:
// it opens 2000 TLS WebSocket peers from a child process (so that the
// clients' memory is not counted) and reports, per peer, the growth of the
// process's RSS (as the bench harness measures it, no forced GC), of the
// live heap and of goroutine stacks (after a GC), and goroutines.
//
//	go test -run XXX -bench IdlePeers -benchtime 1x ./devserver
func BenchmarkIdlePeers(b *testing.B) {
	const peers = 2000
	pki := newTestPKI(b, "idle-peers.localhost")
	for b.Loop() {
		srv, err := New(Config{ConcurrentLimit: 2 * peers, AliveTimeout: 10 * time.Minute})
		if err != nil {
			b.Fatal(err)
		}
		ln := listen(b)
		ctx, cancel := context.WithCancel(context.Background())
		served := make(chan error, 1)
		go func() { served <- srv.Serve(ctx, ln, pki.serverConfig(), nil) }()

		debug.FreeOSMemory() // what earlier rounds left is not counted
		rss0, heap0, stack0, g0 := memNow(b)
		cmd := exec.Command(os.Args[0], "-test.run=^TestIdlePeersClient$", "-test.count=1")
		cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%s %d %s", idlePeersEnv, ln.Addr(), peers, pki.CAFile))
		stdin, err := cmd.StdinPipe()
		if err != nil {
			b.Fatal(err)
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			b.Fatal(err)
		}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			b.Fatal(err)
		}
		line, err := bufio.NewReader(stdout).ReadString('\n')
		if err != nil || strings.TrimSpace(line) != "open" {
			_ = cmd.Wait()
			b.Fatalf("client: %q %v\n%s", line, err, stderr.String())
		}
		if st := srv.Stats(); st.Peers != peers {
			b.Fatalf("%d peers registered, want %d", st.Peers, peers)
		}
		rss1 := rssBytes(b)
		_, heap1, stack1, g1 := memNow(b)

		_ = stdin.Close() // the client closes its peers and exits
		if err := cmd.Wait(); err != nil {
			b.Fatalf("client: %v\n%s", err, stderr.String())
		}
		cancel()
		if err := <-served; err != nil {
			b.Fatal(err)
		}
		perPeer := func(after, before uint64) float64 { return (float64(after) - float64(before)) / peers }
		b.ReportMetric(perPeer(rss1, rss0), "rss-B/peer")
		b.ReportMetric(perPeer(heap1, heap0), "heap-B/peer")
		b.ReportMetric(perPeer(stack1, stack0), "stack-B/peer")
		b.ReportMetric(float64(g1-g0)/peers, "goroutines/peer")
	}
}

// TestIdlePeersClient is BenchmarkIdlePeers' client process; run on its
// own it has nothing to do.
func TestIdlePeersClient(t *testing.T) {
	spec := os.Getenv(idlePeersEnv)
	if spec == "" {
		t.Skip("the client side of BenchmarkIdlePeers, started by it")
	}
	var addr, caFile string
	var peers int
	if _, err := fmt.Sscanf(spec, "%s %d %s", &addr, &peers, &caFile); err != nil {
		t.Fatalf("%s=%q: %v", idlePeersEnv, spec, err)
	}
	caPEM, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	d := websocket.Dialer{TLSClientConfig: &tls.Config{RootCAs: pool}, HandshakeTimeout: waitTimeout}
	conns := make([]*websocket.Conn, peers)
	var wg sync.WaitGroup
	errs := make(chan error, peers)
	sem := make(chan struct{}, 50) // handshakes in flight, as the bench harness does
	for i := range conns {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			id := "idle-" + strconv.Itoa(i)
			c, _, err := d.Dial("wss://"+addr+"/peerjs?"+peerQuery(id, "t", "peerjs"), nil)
			if err != nil {
				errs <- err
				return
			}
			_ = c.SetReadDeadline(waitDeadline())
			if _, msg, err := c.ReadMessage(); err != nil || string(msg) != `{"type":"OPEN"}` {
				errs <- fmt.Errorf("peer %s: %q %v", id, msg, err)
				return
			}
			conns[i] = c
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	fmt.Println("open")
	_, _ = io.Copy(io.Discard, os.Stdin)
	for _, c := range conns {
		_ = c.Close()
	}
}

// memNow returns the RSS, and after a GC the live heap, the stack memory
// and the goroutine count.
func memNow(tb testing.TB) (rss, heap, stack uint64, goroutines int) {
	tb.Helper()
	rss = rssBytes(tb)
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return rss, ms.HeapAlloc, ms.StackInuse, runtime.NumGoroutine()
}

// rssBytes reads VmRSS from /proc/self/status, as the bench harness reads
// the server's.
func rssBytes(tb testing.TB) uint64 {
	tb.Helper()
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		tb.Skipf("no /proc/self/status: %v", err)
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				tb.Fatalf("VmRSS %q: %v", rest, err)
			}
			return kb << 10
		}
	}
	tb.Fatal("no VmRSS in /proc/self/status")
	return 0
}
