package devserver

import (
	"slices"
	"sync"
)

// realm is the registry of connected ids and offline queues. One mutex
// guards both, because every decision (deliver, queue, register, reap)
// reads one and may change the other; all work under it is bounded and
// never blocks on a socket.
type realm struct {
	mu     sync.Mutex
	peers  map[string]*client
	queues map[string]*offlineQueue
	budget *byteBudget // the Server's, which the queued messages are charged to
	closed bool        // shutting down: no new queues
}

// init makes r an empty realm whose queued messages are charged to budget.
func (r *realm) init(budget *byteBudget) {
	r.peers = make(map[string]*client)
	r.queues = make(map[string]*offlineQueue)
	r.budget = budget
}

// outcome of an admission attempt; see admit.
type outcome int

const (
	admitNew      outcome = iota // fresh registration
	admitReattach                // same id and token: the new socket replaces the old
	admitOverride                // taken id, other token, AllowOverride on
	rejectTaken                  // taken id, other token: ID-TAKEN
	rejectLimit                  // ConcurrentLimit reached
)

func (o outcome) String() string {
	return [...]string{"new", "reattach", "override", "id taken", "limit"}[o]
}

// admit runs upstream's admission steps 3 to 5 (peers/peerjs-server
// src/services/webSocketServer/index.ts) for c atomically. On success c is
// the id's current client and c.backlog holds OPEN followed by the offline
// queue, so OPEN always comes first. A replaced client is stopped with its
// closing notice before the lock is released, so nothing more is sent to it.
//
// Two deliberate departures from upstream:
//   - a same-token reattach gets OPEN too (upstream sends none, so the
//     client's open event never fires: peers/peerjs#1289, the fix proposed
//     in peers/peerjs-server#462), and the orphaned old socket is closed
//     instead of left open;
//   - the replacing record has a fresh lastPing, so a reconnect right before
//     the alive timeout is not reaped at once.
func (r *realm) admit(c *client, limit int, allowOverride bool) (outcome, *client) {
	r.mu.Lock()
	defer r.mu.Unlock()
	old := r.peers[c.id]
	var o outcome
	switch {
	case old != nil && old.token == c.token:
		o = admitReattach
		old.stop(replacedBy(true))
	case old != nil && allowOverride:
		o = admitOverride
		old.stop(replacedBy(false))
	case old != nil:
		return rejectTaken, nil
	case len(r.peers) >= limit:
		return rejectLimit, nil
	default:
		o = admitNew
	}
	r.peers[c.id] = c
	c.setBacklog(serverMessage(typeOpen, ""), r.takeQueue(c.id))
	return o, old
}

// removeIf unregisters c if it is still its id's current client: the
// socket-identity check that keeps a replaced socket's late close from
// unregistering its successor.
func (r *realm) removeIf(c *client) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.removeIfLocked(c)
}

func (r *realm) removeIfLocked(c *client) bool {
	if r.peers[c.id] != c {
		return false
	}
	delete(r.peers, c.id)
	return true
}

// reap unregisters c and drops its offline queue, as upstream's alive check
// does (src/services/checkBrokenConnections/index.ts).
func (r *realm) reap(c *client) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.removeIfLocked(c) {
		return false
	}
	r.dropQueue(c.id)
	return true
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
		// cluster finds it (package cluster); a single server never
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

// has reports whether id is connected.
func (r *realm) has(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.peers[id] != nil
}

// ids returns the connected ids, sorted.
func (r *realm) ids() []string {
	r.mu.Lock()
	ids := make([]string, 0, len(r.peers))
	for id := range r.peers {
		ids = append(ids, id)
	}
	r.mu.Unlock()
	slices.Sort(ids)
	return ids
}

// full reports whether admitting a new id would pass limit: the cluster
// asks before claiming, so a refusal never takes an id away from its
// holder elsewhere.
func (r *realm) full(id string, limit int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.peers[id] == nil && len(r.peers) >= limit
}

// releaseClaim unregisters and returns id's client if it still holds
// claim, its claim on the id in the cluster: a newer claim elsewhere has
// won. nil means the id has moved on here already.
func (r *realm) releaseClaim(id, claim string) *client {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.peers[id]
	if c == nil || c.claim != claim {
		return nil
	}
	delete(r.peers, id)
	return c
}

// claimed lists the connected clients that hold a claim in the cluster,
// for renewing them.
func (r *realm) claimed() []*client {
	r.mu.Lock()
	defer r.mu.Unlock()
	held := make([]*client, 0, len(r.peers))
	for _, c := range r.peers {
		if c.claim != "" {
			held = append(held, c)
		}
	}
	return held
}

// count is the number of ids connected here.
func (r *realm) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.peers)
}

// sizes reports the connected ids, the offline queues and the messages
// waiting in them, read at one instant.
func (r *realm) sizes() (peers, queues, queued int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, q := range r.queues {
		queued += len(q.msgs)
	}
	return len(r.peers), len(r.queues), queued
}

// close stops every offline queue; nothing is queued afterwards.
func (r *realm) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	for id := range r.queues {
		r.dropQueue(id)
	}
}
