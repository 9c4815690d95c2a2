package devserver

import (
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// bigOffer is an OFFER to dst of about 64 KiB, just under the default
// MaxMessageBytes.
func bigOffer(dst string) string {
	head, tail := `{"type":"OFFER","dst":"`+dst+`","payload":"`, `"}`
	return head + strings.Repeat("x", DefaultMaxMessageBytes-len(head)-len(tail)) + tail
}

// checkBudget fails if the accounted bytes ever went past budget, or never
// came close to it (the test did not fill it).
func checkBudget(t *testing.T, s Stats, budget int64) {
	t.Helper()
	if s.QueuedBytesPeak > budget || s.QueuedBytes > budget {
		t.Errorf("queued %d bytes, peak %d: over the %d budget", s.QueuedBytes, s.QueuedBytesPeak, budget)
	}
	if s.QueuedBytesPeak < budget-2*DefaultMaxMessageBytes {
		t.Errorf("peak %d bytes: the budget of %d was never filled", s.QueuedBytesPeak, budget)
	}
}

// Many 64 KiB messages for an offline peer: the queue holds what fits in
// MaxQueuedBytes, far below OfflineQueueLen, drops the rest and counts
// them, and the sender gets EXPIRE when the queue expires, which gives all
// the bytes back.
func TestBudgetOfflineQueue(t *testing.T) {
	const budget, total = 1 << 20, 40
	ts := startServer(t, Config{MaxQueuedBytes: budget, ExpireTimeout: 3 * time.Second, BytesPerSecond: NoRateLimit})
	a := ts.join("a", "t")
	for range total {
		a.send(bigOffer("ghost"))
	}
	ts.eventually("the flood to be handled", func(s Stats) bool { return s.QueuedMessages+int(s.BudgetDropped) == total })
	st := ts.srv.Stats()
	checkBudget(t, st, budget)
	if st.QueuedMessages >= total/2 || st.OfflineDropped != 0 {
		t.Errorf("kept %d of %d, %d dropped as a full queue: the budget did not bound them", st.QueuedMessages, total, st.OfflineDropped)
	}
	a.expect(`{"type":"EXPIRE","src":"ghost","dst":"a"}`)
	ts.eventually("the expired queue to give its bytes back", func(s Stats) bool { return s.QueuedBytes == 0 && s.OfflineQueues == 0 })
}

// A connected peer that does not read: once the socket buffers and the
// budget are full, further messages to it are dropped and the sender gets
// an EXPIRE for each; the reader is not evicted (its send queue is far from
// SendQueueLen). When it goes away, its queued bytes are given back.
func TestBudgetSendQueue(t *testing.T) {
	const budget = 1 << 20
	// Messages that a sent after slow went offline queue for it, and are
	// given back when they expire: a short ExpireTimeout.
	ts := startServer(t, Config{MaxQueuedBytes: budget, SendQueueLen: 100000, WriteTimeout: time.Minute,
		ExpireTimeout: 200 * time.Millisecond, BytesPerSecond: NoRateLimit, MessagesPerSecond: NoRateLimit})
	slow := ts.join("slow", "t") // reads OPEN, then nothing until the end
	a := ts.join("a", "t")
	first := a.floodUntilReply(bigOffer("slow"), 2000) // 128 MiB: far beyond any socket buffer and the budget
	if want := `{"type":"EXPIRE","src":"slow","dst":"a"}`; first != want {
		t.Fatalf("got %s, want %s", first, want)
	}
	st := ts.srv.Stats()
	checkBudget(t, st, budget)
	if st.BudgetDropped == 0 || st.Evicted != 0 || st.Peers != 2 {
		t.Errorf("stats %+v: want budget drops, no eviction, both peers", st)
	}
	_ = slow.c.Close()
	ts.eventually("the closed peer's queues to give their bytes back", func(s Stats) bool { return s.Peers == 1 && s.QueuedBytes == 0 })
}

// Past BytesPerSecond (and its bucket of one MaxMessageBytes message) a
// connection is closed with 1008; a single message of MaxMessageBytes
// still passes at a rate far below that size.
func TestLimitByteRate(t *testing.T) {
	ts := startServer(t, Config{BytesPerSecond: 1 << 10, MessagesPerSecond: NoRateLimit})
	a := ts.join("a", "t")
	b := ts.join("b", "t")
	a.send(bigOffer("b"))
	if got := b.next(); len(got) < DefaultMaxMessageBytes {
		t.Fatalf("relayed %d bytes", len(got))
	}
	heartbeat := `{"type":"HEARTBEAT","pad":"` + strings.Repeat("x", 4<<10) + `"}`
	go func() {
		for range 1000 {
			if b.c.WriteMessage(websocket.TextMessage, []byte(heartbeat)) != nil {
				return // the server has closed the connection
			}
		}
	}()
	ce, _ := b.closed()
	if ce.Code != websocket.ClosePolicyViolation || !strings.Contains(ce.Text, "byte rate limit") {
		t.Fatalf("closed with %d %q", ce.Code, ce.Text)
	}
	ts.eventually("b to unregister", func(s Stats) bool { return s.Peers == 1 && s.ByteRateLimited == 1 && s.RateLimited == 0 })
}
