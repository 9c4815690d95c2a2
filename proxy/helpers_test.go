package proxy

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"github.com/rtdev/rtdev/internal/testtool"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/internal/target"
	"github.com/rtdev/rtdev/internal/tlsserve"
)

const testTimeout = 10 * time.Second

// testPKI is a real rtdev CA and a leaf for localhost and 127.0.0.1, made
// once: the proxy is reached with nothing but this CA as root.
var testPKI = sync.OnceValues(func() (*ca.CA, *ca.Leaf) {
	// The CA's files are needed only to create it: the test keeps it in
	// memory and removes the folder at once.
	dir, err := os.MkdirTemp("", "rtdev-proxy-test-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	c, err := ca.Create(filepath.Join(dir, "ca"), ca.CreateOptions{Hostname: "devbox", Owner: "dev@devbox"})
	if err != nil {
		panic(err)
	}
	names, err := ca.ParseNames([]string{"localhost", "127.0.0.1"})
	if err != nil {
		panic(err)
	}
	l, err := c.Issue(ca.LeafOptions{Names: names})
	if err != nil {
		panic(err)
	}
	return c, l
})

// clientTLS trusts only the test CA.
func clientTLS() *tls.Config {
	c, _ := testPKI()
	pool := x509.NewCertPool()
	pool.AddCert(c.Cert)
	return &tls.Config{RootCAs: pool}
}

// proxyFixture is a running proxy and what it logged.
type proxyFixture struct {
	addr string // 127.0.0.1:port
	srv  *Server
	logs *syncBuffer
	stop func() error // cancels Serve and returns its error
}

// startProxy serves cfg (its routes default to "/" → backend) on a real
// TLS listener with the rtdev leaf, as cmd/proxy.go does.
func startProxy(t *testing.T, cfg Config, backend string) *proxyFixture {
	t.Helper()
	if cfg.Routes == nil {
		cfg.Routes = []Route{{Path: "/", Target: mustTarget(t, backend), From: "--to"}}
	}
	logs := &syncBuffer{}
	cfg.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, leaf := testPKI()
	cert := tls.Certificate{Certificate: [][]byte{leaf.Cert.Raw}, PrivateKey: leaf.Key, Leaf: leaf.Cert}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		errc <- srv.Serve(ctx, []net.Listener{ln}, tlsserve.Config(func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return &cert, nil }))
	}()
	var once sync.Once
	var serveErr error
	stop := func() error {
		once.Do(func() { cancel(); serveErr = <-errc })
		return serveErr
	}
	t.Cleanup(func() { _ = stop() })
	return &proxyFixture{addr: ln.Addr().String(), srv: srv, logs: logs, stop: stop}
}

func mustTarget(t *testing.T, s string) target.Target {
	t.Helper()
	tg, err := target.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return tg
}

// backend is a plain HTTP server on loopback (no TLS: what the proxy is for).
func backend(t *testing.T, h http.Handler) string {
	t.Helper()
	s := httptest.NewServer(h)
	t.Cleanup(s.Close)
	return s.Listener.Addr().String()
}

// httpsClient trusts only the test CA.
func httpsClient() *http.Client {
	return &http.Client{Timeout: testTimeout, Transport: &http.Transport{TLSClientConfig: clientTLS()}}
}

// dialWSS opens a wss:// connection through the proxy.
func dialWSS(t *testing.T, addr, path string, h http.Header) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	d := websocket.Dialer{TLSClientConfig: clientTLS(), HandshakeTimeout: testTimeout}
	u := "wss://" + strings.Replace(addr, "127.0.0.1", "localhost", 1) + path
	c, resp, err := d.Dial(u, h)
	if c != nil {
		t.Cleanup(func() { c.Close() })
	}
	return c, resp, err
}

func mustDialWSS(t *testing.T, addr, path string) *websocket.Conn {
	t.Helper()
	c, _, err := dialWSS(t, addr, path, nil)
	if err != nil {
		t.Fatalf("dial through the proxy: %v", err)
	}
	_ = c.SetReadDeadline(time.Now().Add(testTimeout))
	return c
}

// wsBackend is a plain ws:// server running fn for each connection.
func wsBackend(t *testing.T, fn func(c *websocket.Conn, r *http.Request)) string {
	t.Helper()
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	return backend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		_ = c.SetReadDeadline(time.Now().Add(testTimeout))
		fn(c, r)
	}))
}

// echo sends back every message with its type.
func echo(c *websocket.Conn, _ *http.Request) {
	for {
		typ, data, err := c.ReadMessage()
		if err != nil {
			return
		}
		if err := c.WriteMessage(typ, data); err != nil {
			return
		}
	}
}

// syncBuffer is the server's log, with line helpers for the tests.
type syncBuffer struct{ testtool.SyncBuffer }

func (s *syncBuffer) lines(subs ...string) []string {
	var out []string
	for _, l := range strings.Split(s.String(), "\n") {
		ok := l != ""
		for _, sub := range subs {
			ok = ok && strings.Contains(l, sub)
		}
		if ok {
			out = append(out, l)
		}
	}
	return out
}

// closeCode is the code and reason of the close err reports, or -1.
func closeCode(err error) (int, string) {
	if ce, ok := err.(*websocket.CloseError); ok {
		return ce.Code, ce.Text
	}
	return -1, ""
}

// waitLines waits up to testTimeout for n logged lines with all of subs:
// the access line is written after the response has gone out.
func (s *syncBuffer) waitLines(n int, subs ...string) []string {
	deadline := time.Now().Add(testTimeout)
	for {
		l := s.lines(subs...)
		if len(l) >= n || time.Now().After(deadline) {
			return l
		}
		time.Sleep(10 * time.Millisecond)
	}
}
