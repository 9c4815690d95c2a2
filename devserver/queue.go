package devserver

import (
	"time"

	"github.com/rtdev/rtdev/internal/textsafe"
)

// offlineQueue holds messages for one destination id that is not connected.
// Upstream keeps one unbounded FIFO per destination and expires it as a
// whole expire_timeout after its creation (src/models/messageQueue.ts sets
// lastReadAt once); here the FIFO is bounded and the expiry is a timer made
// with the queue, which gives the same result without a sweep goroutine.
type offlineQueue struct {
	msgs    [][]byte
	senders []string // distinct, first-message order: one EXPIRE each
	seen    map[string]struct{}
	dropped int
	timer   *time.Timer
}

// add appends msg from src if it fits (the queue's bound and the byte
// budget, which the caller checks). The sender is remembered either way so
// it still learns of the expiry.
func (q *offlineQueue) add(src string, msg []byte, fits bool) bool {
	if _, ok := q.seen[src]; !ok {
		if q.seen == nil {
			q.seen = make(map[string]struct{})
		}
		q.seen[src] = struct{}{}
		q.senders = append(q.senders, src)
	}
	if !fits {
		q.dropped++
		return false
	}
	q.msgs = append(q.msgs, msg)
	return true
}

// expiry returns the EXPIRE messages for an expired queue of dst: one per
// sender, as upstream's sweep sends one per (src, dst) pair
// (src/services/messagesExpire/index.ts).
func (q *offlineQueue) expiry(dst string) []message {
	out := make([]message, 0, len(q.senders))
	for _, src := range q.senders {
		out = append(out, message{Type: typeExpire, Src: dst, Dst: src})
	}
	return out
}

// queueOffline stores an encoded message for dst, charging it to the byte
// budget; one that does not fit is dropped, and its sender gets EXPIRE
// with the queue's others. The caller holds realm.mu.
func (s *Server) queueOffline(dst, src string, msg []byte) {
	r := &s.realm
	q := r.queues[dst]
	if q == nil {
		if r.closed {
			putBuf(msg)
			return
		}
		q = &offlineQueue{}
		q.timer = time.AfterFunc(s.cfg.ExpireTimeout, func() { s.expire(dst, q) })
		r.queues[dst] = q
	}
	full := len(q.msgs) >= s.cfg.OfflineQueueLen
	if q.add(src, msg, !full && s.budget.charge(msg)) {
		return
	}
	putBuf(msg)
	if !full {
		s.overBudget(dst)
		return
	}
	s.stats.offlineDropped.Add(1)
	if q.dropped == 1 {
		s.log.Warn("offline queue full, dropping messages", "dst", textsafe.Terminal(dst), "limit", s.cfg.OfflineQueueLen)
	}
}

// expire drops q if it is still dst's queue and tells its senders. An EXPIRE
// goes through transmit like any message, so an offline sender loses it, as
// upstream (EXPIRE is never queued).
func (s *Server) expire(dst string, q *offlineQueue) {
	r := &s.realm
	r.mu.Lock()
	if r.queues[dst] != q {
		r.mu.Unlock()
		return // delivered or dropped meanwhile
	}
	delete(r.queues, dst)
	r.mu.Unlock()
	// q is unreachable now, so reading it without the lock is safe.
	for _, m := range q.msgs {
		s.budget.release(m)
	}
	for _, m := range q.expiry(dst) {
		s.stats.expired.Add(1)
		s.transmit(m, nil)
	}
	s.log.Info("offline messages expired", "dst", textsafe.Terminal(dst), "messages", len(q.msgs)+q.dropped, "senders", len(q.senders))
}

// queueBehind puts a message for dst, encoded as data and charged to the
// byte budget, in dst's offline queue here if there is one and dst is not
// connected here: while that queue waits to be handed over to the instance
// dst connects to, later messages must not overtake it. true means data is
// the queue's now.
func (s *Server) queueBehind(dst, src, typ string, data []byte) bool {
	r := &s.realm
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.queues[dst] == nil || r.peers[dst] != nil {
		return false
	}
	s.requeue(dst, src, typ, data)
	return true
}

// queueHere puts a message the cluster did not deliver (encoded as data
// and charged to the byte budget) in dst's offline queue here. false means
// dst is connected here now, and the caller delivers it instead.
func (s *Server) queueHere(dst, src, typ string, data []byte) bool {
	r := &s.realm
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.peers[dst] != nil {
		return false
	}
	s.requeue(dst, src, typ, data)
	return true
}

// requeue moves data into dst's offline queue, where it is charged anew;
// LEAVE and EXPIRE are dropped, as for any offline peer. The caller holds
// realm.mu.
func (s *Server) requeue(dst, src, typ string, data []byte) {
	if typ == typeLeave || typ == typeExpire {
		s.budget.release(data)
		return
	}
	s.budget.uncharge(data) // queueOffline charges it again
	s.queueOffline(dst, src, data)
}

// flush takes id's offline queue here, for the instance id has connected
// to; its frames stay charged to the byte budget until the caller releases
// them. nil if id is connected here, since admission handed the queue over.
func (r *realm) flush(id string) [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.peers[id] != nil {
		return nil
	}
	return r.takeQueue(id)
}

// takeQueue removes and returns the messages waiting for id. The caller
// holds realm.mu.
func (r *realm) takeQueue(id string) [][]byte {
	q := r.queues[id]
	if q == nil {
		return nil
	}
	q.timer.Stop()
	delete(r.queues, id)
	return q.msgs
}

// dropQueue deletes id's queue without EXPIRE, as upstream does when the
// alive check reaps a client. The caller holds realm.mu.
func (r *realm) dropQueue(id string) {
	if q := r.queues[id]; q != nil {
		q.timer.Stop()
		delete(r.queues, id)
		for _, m := range q.msgs {
			r.budget.release(m)
		}
	}
}
