package devserver

import "time"

// handle acts on one decoded message from c, received at now, as
// upstream's message handler (src/messageHandler/index.ts): HEARTBEAT
// refreshes the liveness clock; OFFER, ANSWER, CANDIDATE, LEAVE and EXPIRE
// are relayed with src stamped; any other type is ignored.
func (s *Server) handle(c *client, m message, now time.Time) {
	switch {
	case m.Type == typeHeartbeat:
		c.lastPing.Store(now.UnixNano())
	case relayable(m.Type):
		m.Src = c.id
		s.transmit(m, c)
	}
}

// evict closes a client that cannot keep up; the caller has unregistered it.
func (s *Server) evict(c *client, why string) {
	if c.stop(closeReq{code: closePolicyViolation, reason: why}) {
		s.stats.evicted.Add(1)
		s.log.Warn("peer evicted", "id", c.id, "reason", why)
	}
}
