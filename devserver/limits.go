package devserver

import "time"

// tokenBucket is a per-connection inbound limit, of messages or of bytes.
// Each connection has its own, used only by its read loop, so it needs no
// lock; the clock is passed in so the arithmetic is tested without sleeping.
type tokenBucket struct {
	rate   float64 // tokens added per second
	burst  float64 // bucket size
	tokens float64
	last   time.Time
}

func newTokenBucket(rate, burst float64, now time.Time) *tokenBucket {
	return &tokenBucket{rate: rate, burst: burst, tokens: burst, last: now}
}

// allow takes n tokens if there are that many.
func (b *tokenBucket) allow(now time.Time, n float64) bool {
	if elapsed := now.Sub(b.last); elapsed > 0 {
		b.tokens = min(b.burst, b.tokens+elapsed.Seconds()*b.rate)
		b.last = now
	}
	if b.tokens < n {
		return false
	}
	b.tokens -= n
	return true
}

// rateLimits are a connection's buckets; a nil one is a limit turned off.
type rateLimits struct {
	msgs, bytes *tokenBucket
}

func newRateLimits(cfg *Config, now time.Time) rateLimits {
	var l rateLimits
	if cfg.MessagesPerSecond > 0 {
		l.msgs = newTokenBucket(cfg.MessagesPerSecond, float64(cfg.Burst), now)
	}
	if cfg.BytesPerSecond > 0 {
		// The bucket must hold the largest message, or a connection that
		// sends one would be closed however slowly it sends.
		l.bytes = newTokenBucket(cfg.BytesPerSecond, max(cfg.BytesPerSecond, float64(cfg.MaxMessageBytes)), now)
	}
	return l
}
