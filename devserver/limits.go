package devserver

import "time"

// tokenBucket is the per-connection inbound message limit. Each connection
// has its own, used only by its read loop, so it needs no lock; the clock is
// passed in so the arithmetic is tested without sleeping.
type tokenBucket struct {
	rate   float64 // tokens added per second
	burst  float64 // bucket size
	tokens float64
	last   time.Time
}

func newTokenBucket(rate float64, burst int, now time.Time) *tokenBucket {
	return &tokenBucket{rate: rate, burst: float64(burst), tokens: float64(burst), last: now}
}

// allow takes one token if there is one.
func (b *tokenBucket) allow(now time.Time) bool {
	if elapsed := now.Sub(b.last); elapsed > 0 {
		b.tokens = min(b.burst, b.tokens+elapsed.Seconds()*b.rate)
		b.last = now
	}
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
