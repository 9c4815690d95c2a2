package proxy

import (
	"bufio"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// rawTLS opens a TLS connection to the proxy for requests that net/http
// and gorilla will not send: their own Connection and Upgrade headers, a
// body trickled a few bytes at a time.
func rawTLS(t *testing.T, addr string) *tls.Conn {
	t.Helper()
	c, err := tls.Dial("tcp", addr, clientTLS())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetDeadline(time.Now().Add(testTimeout))
	return c
}

// readResponse reads one response from c and its body (bounded).
func readResponse(t *testing.T, c io.Reader) (*http.Response, string) {
	t.Helper()
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("read the proxy's answer: %v", err)
	}
	body, _ := io.ReadAll(io.LimitReader(res.Body, 4096))
	res.Body.Close()
	return res, string(body)
}

// An Upgrade to anything but WebSocket would be spliced as raw bytes,
// past the message limit and the WebSocket count: it never reaches the
// backend.
func TestOnlyWebSocketUpgradesPass(t *testing.T) {
	var reached atomic.Int32
	be := backend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		conn, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		fmt.Fprint(brw, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: foo\r\n\r\n")
		_ = brw.Flush()
		_, _ = io.Copy(conn, brw) // an unframed echo: no limits of any kind
	}))
	p := startProxy(t, Config{}, be)
	c := rawTLS(t, p.addr)
	fmt.Fprint(c, "GET /tunnel HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: foo\r\n\r\n")
	res, body := readResponse(t, c)
	if res.StatusCode != http.StatusNotImplemented || !strings.Contains(body, "only WebSocket upgrades are proxied") {
		t.Errorf("Upgrade: foo got %d %q, want 501 saying only WebSocket upgrades are proxied", res.StatusCode, body)
	}
	if n := reached.Load(); n != 0 {
		t.Errorf("the backend got the Upgrade: foo request (%d times)", n)
	}
	if l := p.logs.waitLines(1, `"msg":"http"`, `"status":501`); len(l) != 1 {
		t.Errorf("want one access line for the refusal, got:\n%s", p.logs)
	}
}

// The WebSocket handshake is rebuilt rather than forwarded, so it must
// drop what ReverseProxy drops: headers the client's Connection names are
// for the client's hop only (RFC 9110 section 7.6.1). X-Real-IP is the
// TCP peer, whatever the client claimed.
func TestWebSocketHandshakeHeaders(t *testing.T) {
	seen := make(chan http.Header, 1)
	be := wsBackend(t, func(c *websocket.Conn, r *http.Request) {
		seen <- r.Header.Clone()
		echo(c, r)
	})
	p := startProxy(t, Config{}, be)
	c := rawTLS(t, p.addr)
	fmt.Fprint(c, "GET /ws HTTP/1.1\r\nHost: localhost\r\n"+
		"Connection: Upgrade, X-Secret\r\nUpgrade: websocket\r\n"+
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"+
		"X-Secret: 1\r\nX-Real-IP: 6.6.6.6\r\nX-Kept: yes\r\n\r\n")
	br := bufio.NewReader(c)
	res, err := http.ReadResponse(br, nil)
	if err != nil || res.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("handshake through the proxy: %v %v", res, err)
	}
	var h http.Header
	select {
	case h = <-seen:
	case <-time.After(testTimeout):
		t.Fatal("the backend saw no handshake")
	}
	if v := h.Values("X-Secret"); len(v) != 0 {
		t.Errorf("X-Secret, named in Connection, reached the backend: %q", v)
	}
	if v := h.Values("X-Real-Ip"); len(v) != 1 || v[0] != "127.0.0.1" {
		t.Errorf("backend saw X-Real-IP %q, want only 127.0.0.1", v)
	}
	if h.Get("X-Kept") != "yes" {
		t.Errorf("an ordinary header was lost: %v", h)
	}
}
