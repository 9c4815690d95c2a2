package devserver

import "sync/atomic"

// Stats is a snapshot of the server's state and counters since New, for a
// health page. Counters only grow.
type Stats struct {
	Peers          int `json:"peers"`           // registered ids
	Connections    int `json:"connections"`     // open WebSocket connections, admitted or not
	OfflineQueues  int `json:"offline_queues"`  // destinations with waiting messages
	QueuedMessages int `json:"queued_messages"` // messages waiting in those queues

	// Bytes of the buffers held by queued messages (send and offline
	// queues), now and at most since New; MaxQueuedBytes bounds both.
	QueuedBytes     int64 `json:"queued_bytes"`
	QueuedBytesPeak int64 `json:"queued_bytes_peak"`

	Relayed           uint64 `json:"relayed"`            // messages handed to a connected peer
	Expired           uint64 `json:"expired"`            // EXPIRE notices sent back to senders
	OfflineDropped    uint64 `json:"offline_dropped"`    // messages refused by a full offline queue
	BudgetDropped     uint64 `json:"budget_dropped"`     // messages refused because MaxQueuedBytes was reached
	Evicted           uint64 `json:"evicted"`            // peers closed for not reading fast enough
	Reaped            uint64 `json:"reaped"`             // peers closed for no HEARTBEAT within AliveTimeout
	Overrides         uint64 `json:"overrides"`          // ids taken over (AllowOverride)
	Rejected          uint64 `json:"rejected"`           // connections refused at admission
	RateLimited       uint64 `json:"rate_limited"`       // connections closed by the message rate limit
	ByteRateLimited   uint64 `json:"byte_rate_limited"`  // connections closed by the byte rate limit
	Oversized         uint64 `json:"oversized"`          // connections closed for a message over MaxMessageBytes
	InvalidUTF8       uint64 `json:"invalid_utf8"`       // connections closed for invalid UTF-8
	Malformed         uint64 `json:"malformed"`          // frames dropped as not a JSON object
	PlaintextRequests uint64 `json:"plaintext_requests"` // plain HTTP requests answered on the TLS port
}

// counters are the Stats counters, updated without locks.
type counters struct {
	relayed, expired, offlineDropped, evicted, reaped, overrides, rejected atomic.Uint64
	rateLimited, oversized, invalidUTF8, malformed, plaintext              atomic.Uint64
	budgetDropped, byteRateLimited                                         atomic.Uint64
}

// Stats returns a snapshot.
func (s *Server) Stats() Stats {
	st := Stats{
		Relayed:           s.stats.relayed.Load(),
		Expired:           s.stats.expired.Load(),
		OfflineDropped:    s.stats.offlineDropped.Load(),
		BudgetDropped:     s.stats.budgetDropped.Load(),
		QueuedBytes:       s.budget.used.Load(),
		QueuedBytesPeak:   s.budget.peak.Load(),
		Evicted:           s.stats.evicted.Load(),
		Reaped:            s.stats.reaped.Load(),
		Overrides:         s.stats.overrides.Load(),
		Rejected:          s.stats.rejected.Load(),
		RateLimited:       s.stats.rateLimited.Load(),
		ByteRateLimited:   s.stats.byteRateLimited.Load(),
		Oversized:         s.stats.oversized.Load(),
		InvalidUTF8:       s.stats.invalidUTF8.Load(),
		Malformed:         s.stats.malformed.Load(),
		PlaintextRequests: s.stats.plaintext.Load(),
	}
	st.Peers, st.OfflineQueues, st.QueuedMessages = s.realm.sizes()
	s.mu.Lock()
	st.Connections = len(s.conns)
	s.mu.Unlock()
	return st
}
