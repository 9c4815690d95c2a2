package proxy

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

func TestWebSocketTypesAndLargeMessages(t *testing.T) {
	p := startProxy(t, Config{}, wsBackend(t, echo))
	c := mustDialWSS(t, p.addr, "/ws")
	big := make([]byte, 1<<20)
	_, _ = rand.Read(big)
	for _, m := range []struct {
		typ  int
		data []byte
	}{
		{websocket.TextMessage, []byte("hello")},
		{websocket.BinaryMessage, []byte{0, 1, 2, 255}},
		{websocket.BinaryMessage, big},                                  // 1 MiB both ways
		{websocket.TextMessage, []byte(strings.Repeat("é", (1<<20)/2))}, // 1 MiB of text
	} {
		if err := c.WriteMessage(m.typ, m.data); err != nil {
			t.Fatal(err)
		}
		typ, got, err := c.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		if typ != m.typ || !bytes.Equal(got, m.data) {
			t.Fatalf("sent type %d (%d bytes), got type %d (%d bytes)", m.typ, len(m.data), typ, len(got))
		}
	}
	_ = c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""))
	if l := p.logs.waitLines(1, `"msg":"websocket"`); len(l) != 1 || !strings.Contains(l[0], `"client_messages":4`) || !strings.Contains(l[0], `"backend_messages":4`) {
		t.Errorf("websocket access line: %v\n%s", l, p.logs)
	}
}

// The backend's handshake decides: its subprotocol choice, its cookies and
// its refusal (an Origin check) reach the client.
func TestWebSocketHandshakePassesThrough(t *testing.T) {
	up := websocket.Upgrader{
		Subprotocols: []string{"centrifugo-json"},
		CheckOrigin:  func(r *http.Request) bool { return r.Header.Get("Origin") == "https://localhost:5173" },
	}
	seen := make(chan http.Header, 4)
	be := backend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen <- r.Header.Clone()
		c, err := up.Upgrade(w, r, http.Header{"Set-Cookie": {"sid=1"}})
		if err != nil {
			return
		}
		echo(c, r)
	}))
	p := startProxy(t, Config{}, be)
	h := http.Header{"Origin": {"https://localhost:5173"}, "Sec-Websocket-Protocol": {"other, centrifugo-json"}, "Cookie": {"a=b"}}
	c, resp, err := dialWSS(t, p.addr, "/connection/websocket?cf_ws_frame_ping_pong=true", h)
	if err != nil {
		t.Fatal(err)
	}
	if c.Subprotocol() != "centrifugo-json" || resp.Header.Get("Set-Cookie") != "sid=1" {
		t.Errorf("subprotocol %q, cookie %q", c.Subprotocol(), resp.Header.Get("Set-Cookie"))
	}
	got := <-seen
	if got.Get("Origin") != "https://localhost:5173" || got.Get("Cookie") != "a=b" || got.Get("X-Forwarded-Proto") != "https" {
		t.Errorf("backend saw %v", got)
	}
	_, resp, err = dialWSS(t, p.addr, "/connection/websocket", http.Header{"Origin": {"https://evil.example"}})
	if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("a wrong Origin: got %v, %v; want the backend's 403", resp, err)
	}
}

func TestWebSocketCloseCodesPassBothWays(t *testing.T) {
	backendSaw := make(chan error, 1)
	be := wsBackend(t, func(c *websocket.Conn, r *http.Request) {
		if r.URL.Path == "/server-closes" {
			_ = c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4001, "bye from backend"))
			_, _, _ = c.ReadMessage()
			return
		}
		_, _, err := c.ReadMessage()
		backendSaw <- err
	})
	p := startProxy(t, Config{}, be)

	c := mustDialWSS(t, p.addr, "/server-closes")
	_, _, err := c.ReadMessage()
	if code, text := closeCode(err); code != 4001 || text != "bye from backend" {
		t.Errorf("client got %v, want 4001 bye from backend", err)
	}

	c = mustDialWSS(t, p.addr, "/client-closes")
	_ = c.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(4002, "bye from client"))
	if code, text := closeCode(<-backendSaw); code != 4002 || text != "bye from client" {
		t.Errorf("backend got code %d %q, want 4002", code, text)
	}
}

// A backend that drops the TCP connection mid-stream closes the client
// with 1011 and a reason, and the reverse.
func TestWebSocketDroppedPeerGets1011(t *testing.T) {
	backendSaw := make(chan error, 1)
	be := wsBackend(t, func(c *websocket.Conn, r *http.Request) {
		if r.URL.Path == "/drop" {
			_ = c.WriteMessage(websocket.TextMessage, []byte("one"))
			_ = c.NetConn().Close() // no close frame: the process died
			return
		}
		_ = c.WriteMessage(websocket.TextMessage, []byte("ready"))
		_, _, err := c.ReadMessage()
		backendSaw <- err
	})
	p := startProxy(t, Config{}, be)

	c := mustDialWSS(t, p.addr, "/drop")
	if _, m, err := c.ReadMessage(); err != nil || string(m) != "one" {
		t.Fatalf("first message: %q %v", m, err)
	}
	_, _, err := c.ReadMessage()
	if code, text := closeCode(err); code != websocket.CloseInternalServerErr || !strings.Contains(text, "backend") {
		t.Errorf("client got %v, want 1011 naming the backend", err)
	}

	c = mustDialWSS(t, p.addr, "/client-drops")
	if _, _, err := c.ReadMessage(); err != nil {
		t.Fatal(err)
	}
	_ = c.NetConn().Close()
	if code, text := closeCode(<-backendSaw); code != websocket.CloseInternalServerErr || !strings.Contains(text, "client") {
		t.Errorf("backend got %d %q, want 1011 naming the client", code, text)
	}
}

func TestWebSocketMessageLimit(t *testing.T) {
	backendSaw := make(chan error, 1)
	be := wsBackend(t, func(c *websocket.Conn, r *http.Request) {
		_, _, err := c.ReadMessage()
		backendSaw <- err
	})
	p := startProxy(t, Config{MaxMessageBytes: 1024}, be)
	c := mustDialWSS(t, p.addr, "/")
	_ = c.WriteMessage(websocket.BinaryMessage, make([]byte, 4096))
	_, _, err := c.ReadMessage()
	if code, _ := closeCode(err); code != websocket.CloseMessageTooBig {
		t.Errorf("sender got %v, want 1009", err)
	}
	if code, text := closeCode(<-backendSaw); code != websocket.CloseInternalServerErr || !strings.Contains(text, "limit") {
		t.Errorf("backend got %d %q, want 1011 about the limit", code, text)
	}
}

// A peer that stops answering pings is cut after IdleTimeout, while a
// quiet one that answers stays.
func TestWebSocketIdlePeers(t *testing.T) {
	be := wsBackend(t, func(c *websocket.Conn, r *http.Request) {
		_ = c.SetReadDeadline(time.Time{})
		echo(c, r)
	})
	p := startProxy(t, Config{IdleTimeout: 300 * time.Millisecond}, be)
	c := mustDialWSS(t, p.addr, "/")
	go func() { // answers pings while it reads, sends nothing
		_ = c.SetReadDeadline(time.Time{})
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	}()
	time.Sleep(time.Second)
	if err := c.WriteMessage(websocket.TextMessage, []byte("still here")); err != nil {
		t.Fatalf("a quiet live client was cut: %v", err)
	}

	// This client never reads, so it never answers a ping.
	mustDialWSS(t, p.addr, "/")
	l := p.logs.waitLines(1, `"msg":"websocket"`, `"client_messages":0`, "stopped answering pings")
	if len(l) != 1 || len(p.logs.lines("stopped answering pings")) != 1 {
		t.Errorf("a silent client was not cut:\n%s", p.logs)
	}
}

func TestShutdownClosesWebSocketsWith1001(t *testing.T) {
	backendSaw := make(chan error, 1)
	be := wsBackend(t, func(c *websocket.Conn, r *http.Request) {
		_, _, err := c.ReadMessage()
		backendSaw <- err
	})
	p := startProxy(t, Config{}, be)
	c := mustDialWSS(t, p.addr, "/")
	waitConns(t, p.srv, 1)
	clientSaw := make(chan error, 1)
	go func() { _, _, err := c.ReadMessage(); clientSaw <- err }() // reading answers the close
	start := time.Now()
	if err := p.stop(); err != nil {
		t.Fatalf("Serve returned %v after a drain", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("the drain took %s: the closing handshake did not complete", d)
	}
	if code, _ := closeCode(<-clientSaw); code != websocket.CloseGoingAway {
		t.Errorf("client did not get 1001")
	}
	if code, _ := closeCode(<-backendSaw); code != websocket.CloseGoingAway {
		t.Errorf("backend did not get 1001")
	}
}

// 500 WebSockets open through the proxy at once, each carrying its own
// messages; all on loopback.
func TestManyConcurrentWebSockets(t *testing.T) {
	const n = 500
	p := startProxy(t, Config{}, wsBackend(t, func(c *websocket.Conn, r *http.Request) {
		_ = c.SetReadDeadline(time.Now().Add(60 * time.Second))
		echo(c, r)
	}))
	conns := make([]*websocket.Conn, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	sem := make(chan struct{}, 50) // bound the handshakes in flight, not the open sockets
	for i := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			d := websocket.Dialer{TLSClientConfig: clientTLS(), HandshakeTimeout: 30 * time.Second}
			c, _, err := d.Dial("wss://localhost:"+port(p.addr)+"/", nil)
			if err != nil {
				errs <- err
				return
			}
			conns[i] = c
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("dial: %v", err)
	}
	waitConns(t, p.srv, n)
	for i, c := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer c.Close()
			_ = c.SetReadDeadline(time.Now().Add(30 * time.Second))
			msg := fmt.Sprintf("message %d", i)
			if err := c.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
				t.Error(err)
				return
			}
			if _, got, err := c.ReadMessage(); err != nil || string(got) != msg {
				t.Errorf("conn %d: got %q, %v", i, got, err)
			}
		}()
	}
	wg.Wait()
}

func TestMaxWebSocketsGives503(t *testing.T) {
	p := startProxy(t, Config{MaxWebSockets: 1}, wsBackend(t, echo))
	mustDialWSS(t, p.addr, "/")
	waitConns(t, p.srv, 1)
	_, resp, err := dialWSS(t, p.addr, "/", nil)
	if err == nil || resp == nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("over the limit: %v %v", resp, err)
	}
}

// waitConns waits until srv holds n WebSockets.
func waitConns(t *testing.T, srv *Server, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		srv.mu.Lock()
		got := len(srv.conns)
		srv.mu.Unlock()
		if got >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d WebSockets open, want %d", got, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
