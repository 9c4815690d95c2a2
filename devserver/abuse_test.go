package devserver

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// A message of exactly MaxMessageBytes is relayed; one byte more closes the
// socket with 1009.
func TestLimitMessageSize(t *testing.T) {
	const limit = 1024
	ts := startServer(t, Config{MaxMessageBytes: limit})
	a := ts.join("a", "t")
	b := ts.join("b", "t")
	frame := func(n int) string {
		head, tail := `{"type":"OFFER","dst":"b","payload":"`, `"}`
		return head + strings.Repeat("x", n-len(head)-len(tail)) + tail
	}
	a.send(frame(limit))
	if got := b.next(); len(got) < limit-100 {
		t.Fatalf("relayed %d bytes", len(got))
	}
	a.send(frame(limit + 1))
	a.expectClose(websocket.CloseMessageTooBig, "")
	ts.eventually("a to unregister", func(s Stats) bool { return s.Peers == 1 && s.Oversized == 1 })
}

// A flood past the burst closes the connection with 1008.
func TestLimitMessageRate(t *testing.T) {
	ts := startServer(t, Config{MessagesPerSecond: 5, Burst: 10})
	a := ts.join("a", "t")
	go func() {
		for range 1000 {
			if a.c.WriteMessage(websocket.TextMessage, []byte(`{"type":"HEARTBEAT"}`)) != nil {
				return // the server has closed the connection
			}
		}
	}()
	ce, _ := a.closed()
	if ce.Code != websocket.ClosePolicyViolation || !strings.Contains(ce.Text, "rate limit") {
		t.Fatalf("closed with %d %q", ce.Code, ce.Text)
	}
	ts.eventually("a to unregister", func(s Stats) bool { return s.Peers == 0 && s.RateLimited == 1 })
}

// NoRateLimit lets a connection send far past the default burst.
func TestNoRateLimit(t *testing.T) {
	ts := startServer(t, Config{MessagesPerSecond: NoRateLimit})
	a := ts.join("a", "t")
	b := ts.join("b", "t")
	for range 3 * DefaultBurst {
		a.send(`{"type":"HEARTBEAT"}`)
	}
	a.send(`{"type":"OFFER","dst":"b","payload":"after the flood"}`)
	b.expect(`{"type":"OFFER","src":"a","dst":"b","payload":"after the flood"}`)
	if st := ts.srv.Stats(); st.RateLimited != 0 || st.Peers != 2 {
		t.Fatalf("stats %+v", st)
	}
}

// Invalid UTF-8 in a text frame closes with 1007; in a binary frame (which
// upstream decodes leniently) the frame is dropped as malformed instead, so
// it can never reach a browser as a broken text frame.
func TestLimitInvalidUTF8(t *testing.T) {
	ts := startServer(t, Config{})
	a := ts.join("a", "t")
	b := ts.join("b", "t")
	bad := []byte("{\"type\":\"OFFER\",\"dst\":\"b\",\"payload\":\"\xff\xfe\"}")
	if err := a.c.WriteMessage(websocket.BinaryMessage, bad); err != nil {
		t.Fatal(err)
	}
	a.send(`{"type":"OFFER","dst":"b","payload":"ok"}`)
	b.expect(`{"type":"OFFER","src":"a","dst":"b","payload":"ok"}`)
	if err := a.c.WriteMessage(websocket.TextMessage, bad); err != nil {
		t.Fatal(err)
	}
	a.expectClose(websocket.CloseInvalidFramePayloadData, "UTF-8")
	ts.eventually("counters", func(s Stats) bool { return s.InvalidUTF8 == 1 && s.Malformed == 1 && s.Peers == 1 })
}

// A peer that never reads is evicted once its send queue fills: its senders
// are not blocked, they get LEAVE from it, and its id is freed.
func TestLimitSlowReaderEvicted(t *testing.T) {
	ts := startServer(t, Config{SendQueueLen: 4, WriteTimeout: 2 * time.Second, MessagesPerSecond: 1e6, Burst: 1e6, BytesPerSecond: NoRateLimit})
	slow := ts.join("slow", "t") // reads OPEN, then nothing more
	a := ts.join("a", "t")
	big := fmt.Sprintf(`{"type":"OFFER","dst":"slow","payload":"%s"}`, strings.Repeat("x", 32<<10))
	leave := a.floodUntilReply(big, 5000) // 160 MiB: far beyond any socket buffer
	if want := `{"type":"LEAVE","src":"slow","dst":"a"}`; leave != want {
		t.Fatalf("got %s, want %s", leave, want)
	}
	ts.eventually("eviction", func(s Stats) bool { return s.Evicted == 1 })
	ts.join("slow", "new token")
	// The evicted socket ends: draining it reaches an error, not a timeout.
	_ = slow.c.SetReadDeadline(waitDeadline())
	for {
		if _, _, err := slow.c.ReadMessage(); err != nil {
			// gorilla hides the deadline error's type: isTimeout sees it.
			if isTimeout(err) {
				t.Fatal("evicted socket still open")
			}
			break
		}
	}
}

// 10,000 messages for an offline id: the queue keeps OfflineQueueLen of
// them in order, drops the rest, and delivers the kept ones after OPEN.
func TestLimitOfflineQueue10k(t *testing.T) {
	const total, keep = 10000, 100
	ts := startServer(t, Config{OfflineQueueLen: keep, ExpireTimeout: time.Minute, MessagesPerSecond: 1e6, Burst: 1e6, BytesPerSecond: NoRateLimit})
	a := ts.join("a", "t")
	for i := range total {
		a.send(fmt.Sprintf(`{"type":"CANDIDATE","dst":"ghost","payload":%d}`, i))
	}
	ts.eventually("the queue to fill", func(s Stats) bool {
		return s.QueuedMessages == keep && s.OfflineDropped == total-keep
	})
	ghost := ts.join("ghost", "t")
	for i := range keep {
		ghost.expect(fmt.Sprintf(`{"type":"CANDIDATE","src":"a","dst":"ghost","payload":%d}`, i))
	}
	a.send(`{"type":"OFFER","dst":"ghost","payload":"live"}`)
	ghost.expect(`{"type":"OFFER","src":"a","dst":"ghost","payload":"live"}`)
}

// A connection that never starts a TLS handshake, or never sends its HTTP
// request, is dropped after HandshakeTimeout.
func TestLimitHandshakeTimeout(t *testing.T) {
	ts := startServer(t, Config{HandshakeTimeout: 200 * time.Millisecond})
	raw, err := net.Dial("tcp", ts.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	expectEOF(t, raw)

	tc, err := tls.Dial("tcp", ts.addr, ts.pki.clientConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	expectEOF(t, tc)
}

func expectEOF(t *testing.T, c net.Conn) {
	t.Helper()
	_ = c.SetReadDeadline(waitDeadline())
	_, err := io.ReadAll(c)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatal("the server kept a silent connection open")
	}
}

// A WebSocket that sends no frame at all within IdleReadTimeout is closed.
func TestLimitIdleReadTimeout(t *testing.T) {
	ts := startServer(t, Config{IdleReadTimeout: 200 * time.Millisecond})
	a := ts.join("a", "t")
	a.expectClose(websocket.CloseGoingAway, "idle")
	ts.eventually("a to unregister", func(s Stats) bool { return s.Peers == 0 })
}

// With a long send queue, a peer that stops reading is caught by the write
// timeout instead, and evicted the same way.
func TestLimitWriteTimeoutEvicts(t *testing.T) {
	ts := startServer(t, Config{SendQueueLen: 100000, WriteTimeout: 300 * time.Millisecond, MessagesPerSecond: 1e6, Burst: 1e6, BytesPerSecond: NoRateLimit})
	ts.join("slow", "t")
	a := ts.join("a", "t")
	big := fmt.Sprintf(`{"type":"OFFER","dst":"slow","payload":"%s"}`, strings.Repeat("x", 32<<10))
	// 32 MiB: more than the loopback socket buffers between the server and
	// slow can hold, so a write to slow blocks until its deadline.
	for range 1000 {
		a.send(big)
	}
	ts.eventually("slow to be evicted", func(s Stats) bool { return s.Evicted == 1 })
	ts.join("slow", "new token")
}
