package devserver

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// Plain HTTP on the TLS port gets a plain-text 400 naming the https:// URL,
// wss:// and the port, instead of a TLS error.
func TestPlaintextOnTLSPort(t *testing.T) {
	ts := startServer(t, Config{})
	port := ts.port()

	t.Run("http client", func(t *testing.T) {
		resp, err := (&http.Client{Timeout: waitTimeout}).Get("http://localhost:" + port + "/peerjs/id?ts=1")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 400 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
			t.Errorf("%d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		for _, want := range []string{"https://localhost:" + port + "/peerjs/id", "wss://", "port: " + port, "(" + port + ")"} {
			if !strings.Contains(string(body), want) {
				t.Errorf("answer lacks %q:\n%s", want, body)
			}
		}
	})
	t.Run("ws client", func(t *testing.T) {
		_, resp, err := websocket.DefaultDialer.Dial("ws://127.0.0.1:"+port+"/peerjs?id=a&token=t&key=peerjs", nil)
		if err == nil || resp == nil || resp.StatusCode != 400 {
			t.Fatalf("want a 400 handshake failure, got %v %v", resp, err)
		}
		body, _ := io.ReadAll(resp.Body)
		if !strings.Contains(string(body), "https://127.0.0.1:"+port+"/peerjs") {
			t.Errorf("answer: %s", body)
		}
	})
	t.Run("not http", func(t *testing.T) {
		c, err := net.Dial("tcp", ts.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		_ = c.SetDeadline(waitDeadline())
		if _, err := c.Write([]byte("\x00garbage\r\n\r\n")); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 400 || !strings.Contains(string(body), "https://localhost:"+port+"/") {
			t.Errorf("%d %s", resp.StatusCode, body)
		}
	})
	// TLS still works after all that.
	if resp, _ := ts.do("GET", "/", nil); resp.StatusCode != 200 {
		t.Errorf("HTTPS after plaintext: %d", resp.StatusCode)
	}
	if got := ts.srv.Stats().PlaintextRequests; got != 3 {
		t.Errorf("Stats.PlaintextRequests = %d, want 3", got)
	}
}

// TLS 1.2 is the floor and HTTP/1.1 the only protocol, whatever the caller's
// config says, so a WebSocket upgrade never lands on HTTP/2.
func TestServeTLSSettings(t *testing.T) {
	ts := startServer(t, Config{})
	old := ts.pki.clientConfig()
	old.MinVersion, old.MaxVersion = tls.VersionTLS10, tls.VersionTLS11
	if c, err := tls.Dial("tcp", ts.addr, old); err == nil {
		c.Close()
		t.Error("a TLS 1.1 handshake succeeded")
	}
	h2 := ts.pki.clientConfig()
	h2.NextProtos = []string{"h2", "http/1.1"}
	c, err := tls.Dial("tcp", ts.addr, h2)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if p := c.ConnectionState().NegotiatedProtocol; p != "http/1.1" {
		t.Errorf("ALPN %q, want http/1.1", p)
	}
}

func TestServeRejectsMissingTLS(t *testing.T) {
	srv, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	ln := listen(t)
	defer ln.Close()
	for _, conf := range []*tls.Config{nil, {}} {
		if err := srv.Serve(context.Background(), ln, conf, nil); err == nil {
			t.Errorf("Serve with %v: no error", conf)
		}
	}
}

// Ending the context closes every peer with 1001 and Serve returns nil once
// they are gone; the port is closed afterwards.
func TestServeGracefulShutdown(t *testing.T) {
	ts := startServer(t, Config{})
	a := ts.join("a", "t")
	b := ts.join("b", "t")
	a.send(`{"type":"OFFER","dst":"nobody","payload":1}`)
	ts.eventually("a queued message", func(s Stats) bool { return s.QueuedMessages == 1 })

	closed := make(chan *websocket.CloseError, 2)
	for _, p := range []*peerConn{a, b} {
		go func() {
			for {
				_, _, err := p.c.ReadMessage()
				if ce, ok := err.(*websocket.CloseError); ok {
					closed <- ce
					return
				}
				if err != nil {
					closed <- nil
					return
				}
			}
		}()
	}
	if err := ts.shutdown(); err != nil {
		t.Fatalf("Serve returned %v", err)
	}
	for range 2 {
		if ce := <-closed; ce == nil || ce.Code != websocket.CloseGoingAway {
			t.Errorf("peer closed with %v, want 1001", ce)
		}
	}
	if s := ts.srv.Stats(); s.Connections != 0 || s.OfflineQueues != 0 {
		t.Errorf("after shutdown: %+v", s)
	}
	if c, err := net.Dial("tcp", ts.addr); err == nil {
		c.Close()
		t.Error("the port still accepts connections")
	}
	if _, err := ts.dial(peerQuery("c", "t", "peerjs")); err == nil {
		t.Error("a WebSocket connected after shutdown")
	}
}

// stalledConn opens a TCP connection that never starts its TLS handshake
// and returns once the server has accepted it: Serve accepts in order, so a
// request on a later connection being answered means this one is tracked
// by the http.Server.
func (ts *testServer) stalledConn() net.Conn {
	ts.t.Helper()
	raw, err := net.Dial("tcp", ts.addr)
	if err != nil {
		ts.t.Fatal(err)
	}
	ts.t.Cleanup(func() { _ = raw.Close() })
	if resp, _ := ts.do("GET", "/", nil); resp.StatusCode != 200 {
		ts.t.Fatalf("GET /: %d", resp.StatusCode)
	}
	return raw
}

// A connection stalled before its TLS handshake does not hold the peers
// back: they get 1001 while it is still open, although net/http's Shutdown
// counts such a connection as busy for its first 5 s.
func TestServeShutdownStalledHandshake(t *testing.T) {
	ts := startServer(t, Config{HandshakeTimeout: time.Minute, ShutdownTimeout: time.Minute})
	a := ts.join("a", "t")
	b := ts.join("b", "t")
	raw := ts.stalledConn()
	ts.stop()
	for _, p := range []*peerConn{a, b} {
		if ce, _ := p.closed(); ce.Code != websocket.CloseGoingAway {
			t.Errorf("peer closed with %d %q, want 1001", ce.Code, ce.Text)
		}
	}
	// Still open: a short read times out instead of reaching EOF.
	_ = raw.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if _, err := raw.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Errorf("the stalled connection ended before the peers were closed: %v", err)
	}
	_ = raw.Close() // lets the HTTP shutdown finish now
	if err := ts.shutdown(); err != nil {
		t.Fatal(err)
	}
}

// A connection still stalled when ShutdownTimeout runs out is dropped, so
// it cannot outlive Serve until its handshake timeout.
func TestServeShutdownDropsStalledConn(t *testing.T) {
	ts := startServer(t, Config{HandshakeTimeout: time.Minute, ShutdownTimeout: time.Second})
	a := ts.join("a", "t")
	raw := ts.stalledConn()
	if err := ts.shutdown(); err != nil {
		t.Fatal(err)
	}
	if ce, _ := a.closed(); ce.Code != websocket.CloseGoingAway {
		t.Errorf("peer closed with %d %q, want 1001", ce.Code, ce.Text)
	}
	expectEOF(t, raw)
}
