package devserver

import (
	"sync/atomic"

	"github.com/rtdev/rtdev/internal/textsafe"
)

// byteBudget is Config.MaxQueuedBytes at work. It covers each relayed
// frame from the moment transmit queues it until it is written or dropped,
// in send and offline queues alike. It is one atomic counter and no lock:
// charging is a compare-and-swap, so the count never passes max even for
// an instant, and releasing is an add. Frames the server writes on its own
// behalf (OPEN, admission refusals, OVERRIDE_CONNECTION) are one per
// connection and stay outside it, so a full budget never refuses a peer.
type byteBudget struct {
	max        int64
	used, peak atomic.Int64
}

// charge reserves b's buffer; false means it does not fit, and then
// nothing is reserved.
func (bb *byteBudget) charge(b []byte) bool {
	n := int64(cap(b))
	for {
		cur := bb.used.Load()
		next := cur + n
		if next > bb.max {
			return false
		}
		if bb.used.CompareAndSwap(cur, next) {
			for peak := bb.peak.Load(); next > peak; peak = bb.peak.Load() {
				if bb.peak.CompareAndSwap(peak, next) {
					break
				}
			}
			return true
		}
	}
}

// release gives b's share back and recycles b, which nothing may use
// afterwards.
func (bb *byteBudget) release(b []byte) {
	bb.used.Add(-int64(cap(b)))
	putBuf(b)
}

// uncharge gives b's share back and leaves b to the caller, which charges
// it again where it moves to or recycles it.
func (bb *byteBudget) uncharge(b []byte) {
	bb.used.Add(-int64(cap(b)))
}

// overBudget counts a message dropped because the budget was full. The log
// line comes at the 1st, 2nd, 4th, 8th... drop, so a flood cannot flood
// the log as well, and nothing has to be reset on the relay path.
func (s *Server) overBudget(dst string) {
	if n := s.stats.budgetDropped.Add(1); n&(n-1) == 0 {
		s.log.Warn("queued bytes over budget, dropping messages", "dst", textsafe.Terminal(dst),
			"limit_bytes", s.cfg.MaxQueuedBytes, "dropped", n)
	}
}
