package proxy

import (
	"bufio"
	"bytes"
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

// bodyBackend answers with how many body bytes it read, and reports the
// error its read ended with (nil at a clean end).
func bodyBackend(t *testing.T) (string, <-chan error) {
	t.Helper()
	errc := make(chan error, 8)
	return backend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, err := io.Copy(io.Discard, r.Body)
		errc <- err
		if err != nil {
			return
		}
		fmt.Fprintf(w, "read %d bytes", n)
	})), errc
}

// trickle sends a POST of size bytes through c, chunk bytes every
// interval, until the body is sent or the connection fails.
func trickle(c io.Writer, size, chunk int, every time.Duration) {
	fmt.Fprintf(c, "POST /upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: %d\r\n\r\n", size)
	go func() {
		part := bytes.Repeat([]byte("x"), chunk)
		for sent := 0; sent < size; sent += chunk {
			if _, err := c.Write(part[:min(chunk, size-sent)]); err != nil {
				return
			}
			time.Sleep(every)
		}
	}()
}

func TestSlowRequestBodyIsCut(t *testing.T) {
	for _, tc := range []struct {
		name         string
		cfg          Config
		chunk        int
		every        time.Duration
		cutAfter     time.Duration // the rule's own time; the test allows slack
		wantResponse string
	}{
		{
			// 10 bytes a second against a minimum of 1000: cut once the
			// 300ms of grace is spent.
			name:         "under the minimum rate",
			cfg:          Config{MinBodyRate: 1000, BodyGrace: 300 * time.Millisecond, BodyTimeout: time.Minute},
			chunk:        1,
			every:        100 * time.Millisecond,
			cutAfter:     300 * time.Millisecond,
			wantResponse: "the request body came slower than 1000 bytes a second",
		},
		{
			// 2000 bytes a second keeps the rate, but 100 kB would take
			// 50s against a total of 600ms.
			name:         "past the total deadline",
			cfg:          Config{MinBodyRate: 10, BodyGrace: 300 * time.Millisecond, BodyTimeout: 600 * time.Millisecond},
			chunk:        100,
			every:        50 * time.Millisecond,
			cutAfter:     600 * time.Millisecond,
			wantResponse: "the request body took longer than 600ms",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			be, backendErr := bodyBackend(t)
			p := startProxy(t, tc.cfg, be)
			c := rawTLS(t, p.addr)
			// Well before the 10s a trickled 100 kB would take.
			_ = c.SetReadDeadline(time.Now().Add(3 * time.Second))
			start := time.Now()
			trickle(c, 100_000, tc.chunk, tc.every)
			res, body := readResponse(t, c)
			took := time.Since(start)
			if res.StatusCode != http.StatusRequestTimeout || !strings.Contains(body, tc.wantResponse) {
				t.Errorf("got %d %q, want 408 %q", res.StatusCode, body, tc.wantResponse)
			}
			if took < tc.cutAfter-50*time.Millisecond || took > tc.cutAfter+time.Second {
				t.Errorf("cut after %v, want about %v", took, tc.cutAfter)
			}
			select {
			case err := <-backendErr:
				if err == nil {
					t.Error("the backend read a whole body; it should have seen it end early")
				}
			case <-time.After(testTimeout):
				t.Error("the backend's read of the cut body did not end")
			}
			if l := p.logs.waitLines(1, `"status":408`, tc.wantResponse); len(l) != 1 {
				t.Errorf("want one access line with the reason, got:\n%s", p.logs)
			}
		})
	}
}

// A body that keeps the rate passes, however long it takes beyond the
// grace; so does an ordinary upload under the default limits.
func TestRequestBodyAtRatePasses(t *testing.T) {
	be, _ := bodyBackend(t)
	p := startProxy(t, Config{MinBodyRate: 1000, BodyGrace: 300 * time.Millisecond, BodyTimeout: 5 * time.Second}, be)
	c := rawTLS(t, p.addr)
	trickle(c, 2400, 200, 100*time.Millisecond) // 2000 bytes a second for 1.2s
	if res, body := readResponse(t, c); res.StatusCode != http.StatusOK || body != "read 2400 bytes" {
		t.Errorf("a body at twice the minimum rate got %d %q", res.StatusCode, body)
	}

	p = startProxy(t, Config{}, be)
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<18) // 4 MiB
	res, err := httpsClient().Post("https://localhost:"+port(p.addr)+"/upload", "application/octet-stream", bytes.NewReader(big))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || string(body) != fmt.Sprintf("read %d bytes", len(big)) {
		t.Errorf("a 4 MiB upload got %d %q", res.StatusCode, body)
	}
}

// A response that stops moving for IdleTimeout is cut, whichever side
// stopped it; an event stream and a WebSocket may be quiet for longer.
func TestResponseIdleDeadline(t *testing.T) {
	const idle = 300 * time.Millisecond
	backendWriteErr := make(chan error, 1)
	be := backend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wait := func(d time.Duration) {
			select {
			case <-r.Context().Done():
			case <-time.After(d):
			}
		}
		switch r.URL.Path {
		case "/stall": // a backend stuck halfway through its answer
			fmt.Fprint(w, "first\n")
			w.(http.Flusher).Flush()
			wait(testTimeout)
			fmt.Fprint(w, "second\n")
		case "/late": // a backend stuck before its headers
			wait(testTimeout)
			fmt.Fprint(w, "late")
		case "/events":
			w.Header().Set("Content-Type", "text/event-stream; charset=utf-8")
			fmt.Fprint(w, "data: one\n\n")
			w.(http.Flusher).Flush()
			wait(3 * idle)
			fmt.Fprint(w, "data: two\n\n")
		case "/flood": // more than the socket buffers hold, for a client that stops reading
			chunk := bytes.Repeat([]byte("x"), 64<<10)
			for range 1024 {
				if _, err := w.Write(chunk); err != nil {
					backendWriteErr <- err
					return
				}
			}
			backendWriteErr <- nil
		}
	}))
	ws := wsBackend(t, echo)
	p := startProxy(t, Config{IdleTimeout: idle, Routes: []Route{
		{Path: "/", Target: mustTarget(t, be), From: "--to"},
		{Path: "/ws", Target: mustTarget(t, ws), From: "--to"},
	}}, "")
	base := "https://localhost:" + port(p.addr)

	t.Run("backend stalls mid-response", func(t *testing.T) {
		res, err := httpsClient().Get(base + "/stall")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		br := bufio.NewReader(res.Body)
		if line, _ := br.ReadString('\n'); line != "first\n" {
			t.Fatalf("first line %q", line)
		}
		start := time.Now()
		rest, err := io.ReadAll(br)
		if err == nil || time.Since(start) > idle+time.Second {
			t.Errorf("after %v: rest %q, err %v; want the response cut after %v", time.Since(start), rest, err, idle)
		}
		if l := p.logs.waitLines(1, `"path":"/stall"`, "sent nothing for 300ms"); len(l) != 1 {
			t.Errorf("want an access line saying why, got:\n%s", p.logs)
		}
	})
	t.Run("backend stalls before its headers", func(t *testing.T) {
		start := time.Now()
		res, err := httpsClient().Get(base + "/late")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusGatewayTimeout || !strings.Contains(string(body), "sent nothing for 300ms") || time.Since(start) > idle+time.Second {
			t.Errorf("after %v: %d %q, want 504 after %v", time.Since(start), res.StatusCode, body, idle)
		}
	})
	t.Run("client stops reading", func(t *testing.T) {
		res, err := httpsClient().Get(base + "/flood")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		select {
		case err := <-backendWriteErr:
			if err == nil {
				t.Error("64 MiB went to a client that read none of it")
			}
		case <-time.After(idle + 3*time.Second):
			t.Errorf("the backend is still writing to a client that stopped reading %v ago", idle+3*time.Second)
		}
		if l := p.logs.waitLines(1, `"path":"/flood"`, "the client read nothing for 300ms"); len(l) != 1 {
			t.Errorf("want an access line saying why, got:\n%s", p.logs)
		}
	})
	t.Run("event stream stays open while quiet", func(t *testing.T) {
		br := openStream(t, p, "/events")
		for _, want := range []string{"data: one\n", "\n", "data: two\n"} {
			if line, err := br.ReadString('\n'); line != want {
				t.Fatalf("got %q (%v), want %q", line, err, want)
			}
		}
	})
	t.Run("websocket stays open while quiet", func(t *testing.T) {
		c := mustDialWSS(t, p.addr, "/ws")
		// The client keeps reading, as a browser does, so it answers the
		// proxy's pings while no message moves.
		got := make(chan string, 1)
		go func() {
			_, msg, err := c.ReadMessage()
			got <- fmt.Sprint(string(msg), err)
		}()
		time.Sleep(3 * idle)
		if err := c.WriteMessage(websocket.TextMessage, []byte("still here")); err != nil {
			t.Fatal(err)
		}
		if msg := <-got; msg != "still here<nil>" {
			t.Fatalf("after %v quiet: %s", 3*idle, msg)
		}
	})
}
