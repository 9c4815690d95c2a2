package devserver

import (
	"context"
	"crypto/tls"
	"errors"
	"github.com/rtdev/rtdev/internal/testtool"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// waitTimeout bounds every wait in these tests; it is a failure deadline,
// never a measured duration.
const waitTimeout = 10 * time.Second

func waitDeadline() time.Time { return time.Now().Add(waitTimeout) }

// testServer is a Server running Serve on a real 127.0.0.1 TLS listener.
type testServer struct {
	t    *testing.T
	srv  *Server
	addr string
	pki  testPKI
	logs *testtool.SyncBuffer
	stop context.CancelFunc
	done chan error
}

func startServer(t *testing.T, cfg Config) *testServer {
	return startServerWith(t, cfg, nil)
}

func startServerWith(t *testing.T, cfg Config, extra http.Handler) *testServer {
	t.Helper()
	pki := newTestPKI(t, "devserver.localhost")
	ts := startServerTLS(t, cfg, pki.serverConfig(), extra)
	ts.pki = pki
	return ts
}

// startServerTLS runs Serve with tlsConf on a fresh loopback listener.
func startServerTLS(t *testing.T, cfg Config, tlsConf *tls.Config, extra http.Handler) *testServer {
	t.Helper()
	logs := &testtool.SyncBuffer{}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln := listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	ts := &testServer{t: t, srv: srv, addr: ln.Addr().String(), logs: logs, stop: cancel, done: make(chan error, 1)}
	go func() { ts.done <- srv.Serve(ctx, ln, tlsConf, extra) }()
	t.Cleanup(func() {
		if err := ts.shutdown(); err != nil {
			t.Errorf("Serve: %v", err)
		}
		if t.Failed() {
			t.Logf("server log:\n%s", logs.String())
		}
	})
	return ts
}

func listen(tb testing.TB) net.Listener {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	return ln
}

// shutdown cancels Serve's context and returns what Serve returned; calling
// it twice is fine.
func (ts *testServer) shutdown() error {
	ts.stop()
	select {
	case err, ok := <-ts.done:
		if ok {
			close(ts.done)
		}
		return err
	case <-time.After(waitTimeout):
		return errors.New("serve did not return after its context ended")
	}
}

func (ts *testServer) port() string {
	_, p, _ := net.SplitHostPort(ts.addr)
	return p
}

func (ts *testServer) httpClient() *http.Client {
	return &http.Client{Timeout: waitTimeout, Transport: &http.Transport{TLSClientConfig: ts.pki.clientConfig()}}
}

// do makes a request to the server over HTTPS and returns the response
// with its body read.
func (ts *testServer) do(method, path string, hdr http.Header) (*http.Response, string) {
	ts.t.Helper()
	req, err := http.NewRequest(method, "https://"+ts.addr+path, nil)
	if err != nil {
		ts.t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := ts.httpClient().Do(req)
	if err != nil {
		ts.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		ts.t.Fatal(err)
	}
	return resp, string(body)
}

// dial opens a WebSocket to the server's PeerJS path with the raw query.
func (ts *testServer) dial(query string) (*peerConn, error) {
	d := websocket.Dialer{TLSClientConfig: ts.pki.clientConfig(), HandshakeTimeout: waitTimeout}
	c, _, err := d.Dial("wss://"+ts.addr+ts.srv.WebSocketPath()+"?"+query, nil)
	if err != nil {
		return nil, err
	}
	p := &peerConn{t: ts.t, c: c}
	ts.t.Cleanup(func() { _ = c.Close() })
	return p, nil
}

// join dials as id/token with the right key and expects OPEN.
func (ts *testServer) join(id, token string) *peerConn {
	ts.t.Helper()
	p := ts.mustDial(peerQuery(id, token, "peerjs"))
	p.expect(`{"type":"OPEN"}`)
	return p
}

func (ts *testServer) mustDial(query string) *peerConn {
	ts.t.Helper()
	p, err := ts.dial(query)
	if err != nil {
		ts.t.Fatal(err)
	}
	return p
}

func peerQuery(id, token, key string) string {
	return url.Values{"id": {id}, "token": {token}, "key": {key}, "version": {"1.5.5"}}.Encode()
}

// eventually polls cond until it holds or waitTimeout passes.
func (ts *testServer) eventually(what string, cond func(Stats) bool) {
	ts.t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond(ts.srv.Stats()) {
		if time.Now().After(deadline) {
			ts.t.Fatalf("timed out waiting for %s; stats %+v", what, ts.srv.Stats())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// peerConn is a test WebSocket client.
type peerConn struct {
	t *testing.T
	c *websocket.Conn
}

func (p *peerConn) send(msg string) {
	p.t.Helper()
	if err := p.c.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
		p.t.Fatalf("send %s: %v", msg, err)
	}
}

// next returns the next text message; it fails the test on anything else.
func (p *peerConn) next() string {
	p.t.Helper()
	_ = p.c.SetReadDeadline(time.Now().Add(waitTimeout))
	typ, data, err := p.c.ReadMessage()
	if err != nil {
		p.t.Fatalf("read: %v", err)
	}
	if typ != websocket.TextMessage {
		p.t.Fatalf("got frame type %d, want text", typ)
	}
	return string(data)
}

func (p *peerConn) expect(want string) {
	p.t.Helper()
	if got := p.next(); got != want {
		p.t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// closed reads until the server's close frame and returns it; messages
// before it are returned too.
func (p *peerConn) closed() (*websocket.CloseError, []string) {
	p.t.Helper()
	var msgs []string
	_ = p.c.SetReadDeadline(time.Now().Add(waitTimeout))
	for {
		_, data, err := p.c.ReadMessage()
		if err == nil {
			msgs = append(msgs, string(data))
			continue
		}
		var ce *websocket.CloseError
		if !errors.As(err, &ce) {
			p.t.Fatalf("want a close frame, got %v (after %q)", err, msgs)
		}
		return ce, msgs
	}
}

// floodUntilReply sends msg from p until p receives a message, at most max
// times, and returns that message. From then on a goroutine is p's only
// reader and drops whatever else comes.
func (p *peerConn) floodUntilReply(msg string, max int) string {
	p.t.Helper()
	got := make(chan string, 1)
	go func() {
		for {
			_ = p.c.SetReadDeadline(waitDeadline())
			_, data, err := p.c.ReadMessage()
			if err != nil {
				close(got)
				return
			}
			select {
			case got <- string(data):
			default:
			}
		}
	}()
	for range max {
		select {
		case reply := <-got:
			return reply
		default:
		}
		p.send(msg)
	}
	p.t.Fatalf("no reply after sending %d messages", max)
	return ""
}

// expectClose wants the close frame next, with code and a reason containing
// reason.
func (p *peerConn) expectClose(code int, reason string) {
	p.t.Helper()
	ce, msgs := p.closed()
	if len(msgs) > 0 {
		p.t.Errorf("messages before the close frame: %q", msgs)
	}
	if ce.Code != code || !strings.Contains(ce.Text, reason) {
		p.t.Fatalf("close %d %q, want %d containing %q", ce.Code, ce.Text, code, reason)
	}
}
