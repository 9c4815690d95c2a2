package devserver

// clusterBroker is the broker of one instance of a cluster: the Redis
// broker (broker_redis.go) settles each id and carries messages between
// instances, and clusterBroker turns its decisions into the realm's. The
// Redis broker reaches this instance only through realmSide, the realm's
// local API, as centrifuge's Broker reaches its node only through a
// BrokerEventHandler.
type clusterBroker struct {
	s *Server
	r *redisBroker
}

func (b clusterBroker) admit(c *client) (outcome, *client) {
	s := b.s
	var o outcome
	var old *client
	how := b.r.admit(c.id, c.token, s.cfg.AllowOverride, func(claim string, override bool) bool {
		c.claim = claim
		o, old = s.realm.admit(c, s.cfg.ConcurrentLimit, override)
		return o != rejectLimit && o != rejectTaken
	})
	switch how {
	case refusedFull:
		return rejectLimit, nil
	case refusedTaken:
		return rejectTaken, nil
	case tookBack:
		return admitReattach, old
	case tookOver:
		return admitOverride, old
	}
	return o, old
}

func (b clusterBroker) release(c *client) { b.r.release(c.id, c.claim) }

func (b clusterBroker) forward(m message, data []byte) bool {
	if !b.r.reachable() || !b.s.budget.charge(data) {
		return false
	}
	if m.Payload != nil {
		// m.Payload is in the inbound frame, which is reused once the
		// relay returns; data ends with the same bytes and a '}'.
		m.Payload = data[len(data)-1-len(m.Payload) : len(data)-1]
	}
	if !b.r.forward(m, data) {
		b.s.budget.uncharge(data)
		return false
	}
	return true
}

func (b clusterBroker) inUse(id string) bool   { return b.r.inUse(id) }
func (b clusterBroker) ids() []string          { return b.r.ids() }
func (b clusterBroker) health() *ClusterHealth { return b.r.health() }
func (b clusterBroker) close()                 { b.r.close() }

// brokerHandler is what the Redis broker may ask of this instance: the
// realm's local API, in the shape of centrifuge's BrokerEventHandler. A
// message arrives as a message and, where it is charged to the byte
// budget, its encoded frame.
type brokerHandler interface {
	// full reports whether admitting id here would pass the concurrent
	// limit.
	full(id string) bool
	// connected reports whether id is connected here.
	connected(id string) bool
	// ids lists the ids connected here; count is how many there are.
	ids() []string
	count() int
	// claims lists the claims of the connections here that hold one.
	claims() []heldClaim
	// replaced unregisters and closes id's connection here if it still
	// holds claim: a newer claim elsewhere has won, by a reconnect with
	// the same token or by a takeover.
	replaced(id, claim string, sameToken bool) bool
	// deliver relays m from another instance to its destination here, as
	// transmit does; it copies what it keeps.
	deliver(m message)
	// queueBehind and queueHere place a message Redis has not delivered
	// in the offline queue here: queueBehind only behind one already
	// waiting, queueHere unless dst is connected here. true means frame
	// is the queue's now.
	queueBehind(m message, frame []byte) bool
	queueHere(m message, frame []byte) bool
	// flush takes id's offline queue here for the instance id connected
	// to: its messages, and its frames, still charged, for done.
	flush(id string) ([]message, [][]byte)
	// done gives frame's share of the byte budget back and recycles it.
	done(frame []byte)
}

// heldClaim is one connection's claim on its id.
type heldClaim struct{ id, claim string }

// realmSide is the Server's brokerHandler.
type realmSide struct{ s *Server }

var _ brokerHandler = realmSide{}

func (h realmSide) full(id string) bool      { return h.s.realm.full(id, h.s.cfg.ConcurrentLimit) }
func (h realmSide) connected(id string) bool { return h.s.realm.has(id) }
func (h realmSide) ids() []string            { return h.s.realm.ids() }
func (h realmSide) count() int               { return h.s.realm.count() }
func (h realmSide) deliver(m message)        { h.s.transmit(m, nil) }
func (h realmSide) done(frame []byte)        { h.s.budget.release(frame) }

func (h realmSide) claims() []heldClaim {
	held := h.s.realm.claimed()
	out := make([]heldClaim, len(held))
	for i, c := range held {
		out[i] = heldClaim{c.id, c.claim}
	}
	return out
}

func (h realmSide) replaced(id, claim string, sameToken bool) bool {
	c := h.s.realm.releaseClaim(id, claim)
	if c == nil {
		return false
	}
	c.stop(replacedBy(sameToken))
	return true
}

func (h realmSide) queueBehind(m message, frame []byte) bool {
	return h.s.queueBehind(m.Dst, m.Src, m.Type, frame)
}

func (h realmSide) queueHere(m message, frame []byte) bool {
	return h.s.queueHere(m.Dst, m.Src, m.Type, frame)
}

func (h realmSide) flush(id string) ([]message, [][]byte) {
	frames := h.s.realm.flush(id)
	msgs := make([]message, 0, len(frames))
	for _, f := range frames {
		if m, ok := relayedFrame(f); ok {
			msgs = append(msgs, m)
		}
	}
	return msgs, frames
}

// relayedFrame reads back a frame message.encode wrote for the offline
// queue: decode reads type, dst and payload, and src follows type.
func relayedFrame(f []byte) (message, bool) {
	m, err := decode(f)
	if err != nil {
		return m, false
	}
	rest, ok := bytesCutPrefix(f, `{"type":`)
	if !ok {
		return m, false
	}
	s := jsonScanner{data: rest}
	if _, _, err := s.str(); err != nil {
		return m, false
	}
	rest, ok = bytesCutPrefix(rest[s.i:], `,"src":`)
	if !ok {
		return m, false
	}
	s = jsonScanner{data: rest}
	raw, escaped, err := s.str()
	if err != nil {
		return m, false
	}
	m.Src = unquote(raw, escaped)
	return m, true
}

func bytesCutPrefix(b []byte, prefix string) ([]byte, bool) {
	if len(b) < len(prefix) || string(b[:len(prefix)]) != prefix {
		return nil, false
	}
	return b[len(prefix):], true
}
