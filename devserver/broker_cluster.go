package devserver

import "github.com/rtdev/rtdev/devserver/cluster"

// clusterBroker is the broker of one instance of a cluster: the Redis
// broker (package cluster) settles each id and carries messages between
// instances, and clusterBroker turns its decisions into the realm's. The
// Redis broker reaches this instance only through realmSide, the realm's
// local API, as centrifuge's Broker reaches its node only through a
// BrokerEventHandler.
//
// devserver constructs it (New, with Config.ClusterURL), so package
// cluster imports nothing of devserver: what the two share, it defines.
type clusterBroker struct {
	s *Server
	r *cluster.Broker
}

// newClusterBroker connects s to the cluster at s.cfg.ClusterURL.
func newClusterBroker(s *Server) (clusterBroker, error) {
	cfg := &s.cfg
	r, err := cluster.New(cluster.Options{
		URL:              cfg.ClusterURL,
		Password:         cfg.ClusterPassword,
		Path:             cfg.Path,
		Key:              cfg.Key,
		ClaimTTL:         cfg.ClusterClaimTTL,
		ExpireTimeout:    cfg.ExpireTimeout,
		Logger:           cfg.Logger,
		UnboundedReplies: cfg.unboundedReplies,
	}, realmSide{s})
	return clusterBroker{s, r}, err
}

// ClusterHealth is the cluster part of Health, present only when the Server
// is one instance of a cluster (Config.ClusterURL).
type ClusterHealth = cluster.Health

// ClusterError is a failure to reach or use the cluster broker at start.
// URL has the password redacted, and so has Err.
type ClusterError = cluster.Error

// ClusterHost returns the host of a cluster URL, for the caller's checks
// (rtdev.toml may name a loopback Redis only).
func ClusterHost(raw string) (string, error) { return cluster.Host(raw) }

func (b clusterBroker) admit(c *client) (outcome, *client) {
	s := b.s
	var o outcome
	var old *client
	how := b.r.Admit(c.id, c.token, s.cfg.AllowOverride, func(claim string, override bool) bool {
		c.claim = claim
		o, old = s.realm.admit(c, s.cfg.ConcurrentLimit, override)
		return o != rejectLimit && o != rejectTaken
	})
	switch how {
	case cluster.RefusedFull:
		return rejectLimit, nil
	case cluster.RefusedTaken:
		return rejectTaken, nil
	case cluster.TookBack:
		return admitReattach, old
	case cluster.TookOver:
		return admitOverride, old
	}
	return o, old
}

func (b clusterBroker) release(c *client) { b.r.Release(c.id, c.claim) }

func (b clusterBroker) forward(m message, data []byte) bool {
	if !b.r.Reachable() || !b.s.budget.charge(data) {
		return false
	}
	if m.Payload != nil {
		// m.Payload is in the inbound frame, which is reused once the
		// relay returns; data ends with the same bytes and a '}'.
		m.Payload = data[len(data)-1-len(m.Payload) : len(data)-1]
	}
	// LEAVE and EXPIRE never wait for an offline peer.
	wait := m.Type != typeLeave && m.Type != typeExpire
	if !b.r.Forward(toCluster(m), data, wait) {
		b.s.budget.uncharge(data)
		return false
	}
	return true
}

func (b clusterBroker) inUse(id string) bool   { return b.r.InUse(id) }
func (b clusterBroker) ids() []string          { return b.r.IDs() }
func (b clusterBroker) health() *ClusterHealth { return b.r.Health() }
func (b clusterBroker) close()                 { b.r.Close() }

// realmSide is the Server's cluster.Handler.
type realmSide struct{ s *Server }

var _ cluster.Handler = realmSide{}

func (h realmSide) Full(id string) bool      { return h.s.realm.full(id, h.s.cfg.ConcurrentLimit) }
func (h realmSide) Connected(id string) bool { return h.s.realm.has(id) }
func (h realmSide) IDs() []string            { return h.s.realm.ids() }
func (h realmSide) Count() int               { return h.s.realm.count() }
func (h realmSide) Deliver(m cluster.Message) {
	h.s.transmit(fromCluster(m), nil)
}
func (h realmSide) Done(frame []byte) { h.s.budget.release(frame) }

// Valid holds a message from another instance to what decode accepts in
// a frame: a type that is relayed, and a payload that is one JSON value.
func (realmSide) Valid(m cluster.Message) bool {
	return relayable(m.Type) && (m.Payload == nil || validJSON(m.Payload))
}

func (h realmSide) Claims() []cluster.HeldClaim {
	held := h.s.realm.claimed()
	out := make([]cluster.HeldClaim, len(held))
	for i, c := range held {
		out[i] = cluster.HeldClaim{ID: c.id, Claim: c.claim}
	}
	return out
}

func (h realmSide) Replaced(id, claim string, sameToken bool) bool {
	c := h.s.realm.releaseClaim(id, claim)
	if c == nil {
		return false
	}
	c.stop(replacedBy(sameToken))
	return true
}

func (h realmSide) QueueBehind(m cluster.Message, frame []byte) bool {
	return h.s.queueBehind(m.Dst, m.Src, m.Type, frame)
}

func (h realmSide) QueueHere(m cluster.Message, frame []byte) bool {
	return h.s.queueHere(m.Dst, m.Src, m.Type, frame)
}

func (h realmSide) Flush(id string) ([]cluster.Message, [][]byte) {
	frames := h.s.realm.flush(id)
	msgs := make([]cluster.Message, 0, len(frames))
	for _, f := range frames {
		if m, ok := relayedFrame(f); ok {
			msgs = append(msgs, toCluster(m))
		}
	}
	return msgs, frames
}

func toCluster(m message) cluster.Message {
	return cluster.Message{Type: m.Type, Src: m.Src, Dst: m.Dst, Payload: m.Payload}
}

func fromCluster(m cluster.Message) message {
	return message{Type: m.Type, Src: m.Src, Dst: m.Dst, Payload: m.Payload}
}

// validJSON reports whether p is one JSON value, as decode accepts it in a
// frame's payload (valid UTF-8 included).
func validJSON(p []byte) bool {
	s := jsonScanner{data: p}
	s.skipSpace()
	if s.value(1) != nil {
		return false
	}
	s.skipSpace()
	return s.i == len(p)
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
