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

// transmit delivers m to its destination, following upstream's transmission
// handler (src/messageHandler/handlers/transmission/index.ts): deliver to a
// connected dst; otherwise queue it, except LEAVE and EXPIRE, which are
// dropped; a LEAVE without dst unregisters its sender. from is the sending
// client, nil for messages the server makes (EXPIRE, LEAVE). Queued
// messages are charged to the byte budget (budget.go).
func (s *Server) transmit(m message, from *client) {
	data := m.encode()
	r := &s.realm
	r.mu.Lock()
	dst := r.peers[m.Dst]
	switch {
	case dst != nil && !s.budget.charge(data):
		r.mu.Unlock()
		putBuf(data)
		s.overBudget(m.Dst)
		// As for a full offline queue, the sender of an OFFER, ANSWER or
		// CANDIDATE learns that it did not arrive. The EXPIRE needs room in
		// the budget too; one that finds none is dropped with no notice.
		if from != nil && m.Type != typeLeave && m.Type != typeExpire {
			s.transmit(message{Type: typeExpire, Src: m.Dst, Dst: m.Src}, nil)
		}
	case dst != nil:
		if dst.enqueue(data) {
			r.mu.Unlock()
			s.stats.relayed.Add(1)
			return
		}
		// dst has SendQueueLen messages it has not taken: it is evicted, so a
		// stalled reader costs bounded memory and never blocks its senders.
		r.removeIfLocked(dst)
		r.mu.Unlock()
		s.budget.release(data)
		s.evict(dst, "send queue full")
		// Upstream answers a failed send with a LEAVE from dst to the sender;
		// a LEAVE that fails in turn ends there, so this cannot loop.
		if m.Type != typeLeave && m.Src != "" {
			s.transmit(message{Type: typeLeave, Src: dst.id, Dst: m.Src}, nil)
		}
	case m.Type == typeLeave && m.Dst == "" && from != nil:
		// Upstream removes the sender's record and leaves its socket open,
		// orphaned; closing it as well frees the connection.
		left := r.removeIfLocked(from)
		r.mu.Unlock()
		putBuf(data)
		if left {
			from.stop(closeReq{code: closeNormal, reason: "left"})
		}
	case m.Dst != "" && s.broker.forward(m, data):
		// Connected on another instance, or to be queued where the
		// cluster finds it (broker_redis.go); a single server never
		// takes this branch.
		r.mu.Unlock()
	case m.Type == typeLeave || m.Type == typeExpire || m.Dst == "":
		r.mu.Unlock()
		putBuf(data)
	default:
		s.queueOffline(m.Dst, m.Src, data)
		r.mu.Unlock()
	}
}

// evict closes a client that cannot keep up; the caller has unregistered it.
func (s *Server) evict(c *client, why string) {
	if c.stop(closeReq{code: closePolicyViolation, reason: why}) {
		s.stats.evicted.Add(1)
		s.log.Warn("peer evicted", "id", c.id, "reason", why)
	}
}
