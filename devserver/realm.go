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

// close stops every offline queue; nothing is queued afterwards.
func (r *realm) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	for id := range r.queues {
		r.dropQueue(id)
	}
}
