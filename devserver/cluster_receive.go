package devserver

import (
	"context"
	"errors"
	"time"

	"github.com/redis/go-redis/v9"
)

// receiveLoop handles this instance's channel. go-redis resubscribes after
// a lost connection; what was published meanwhile is gone (pub/sub is fire
// and forget), and its senders, which saw no subscriber, queued it.
//
// A subscriber only reads, so a connection that died without a reset (a
// dropped network path) would leave it waiting for ever, unsubscribed in
// Redis's eyes. After clusterOpTimeout of silence it sends a PING on the
// subscription, and when the PONG does not come within as long again it
// subscribes afresh.
func (b *redisBroker) receiveLoop() {
	defer b.wg.Done()
	pinged := false
	for {
		ps := b.subscription()
		msg, err := ps.ReceiveTimeout(b.ctx, clusterOpTimeout)
		if b.ctx.Err() != nil {
			return
		}
		switch {
		case err == nil:
			pinged = false
		case isTimeout(err) && !pinged:
			pinged = true
			ctx, cancel := context.WithTimeout(b.ctx, clusterOpTimeout)
			err = ps.Ping(ctx) // the PONG arrives as a message
			cancel()
		case isTimeout(err):
			pinged = false
			err = errors.New("no PONG on the subscription")
			b.resubscribe()
		}
		if err != nil {
			b.lost(err)
			select {
			case <-b.ctx.Done():
				return
			case <-time.After(clusterMinBackoff):
			}
			continue
		}
		if m, ok := msg.(*redis.Message); ok {
			b.receive([]byte(m.Payload))
		}
	}
}

func (b *redisBroker) subscription() *redis.PubSub {
	b.psMu.Lock()
	defer b.psMu.Unlock()
	return b.pubsub
}

// resubscribe replaces a subscription whose connection went quiet.
func (b *redisBroker) resubscribe() {
	b.psMu.Lock()
	old := b.pubsub
	if b.ctx.Err() == nil { // close, which cancels first, closes the last one
		b.pubsub = b.rdb.Subscribe(b.ctx, b.channel(b.instance))
	}
	b.psMu.Unlock()
	if old != b.pubsub {
		_ = old.Close()
	}
}

// receive acts on one envelope from another instance.
func (b *redisBroker) receive(data []byte) {
	s := b.s
	e, err := decodeEnvelope(data)
	if err != nil || e.id == "" {
		if n := b.malformed.Add(1); n&(n-1) == 0 {
			s.log.Warn("dropped malformed cluster message", "bytes", len(data), "dropped", n)
		}
		return
	}
	switch e.kind {
	case envRelay:
		b.received.Add(1)
		s.transmit(e.message(), nil) // copies what it keeps
	case envKick:
		if c := s.realm.removeClaimed(e.id, e.claim); c != nil {
			c.stop(replacedBy(e.sameToken))
			s.log.Info("peer replaced by a connection on another instance", "id", c.id, "same_token", e.sameToken)
		}
	case envFlush:
		b.push(outItem{dst: e.id, flushTo: e.from})
	}
}

// removeClaimed unregisters and returns id's client if it still holds claim.
func (r *realm) removeClaimed(id, claim string) *client {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.peers[id]
	if c == nil || c.claim != claim {
		return nil
	}
	delete(r.peers, id)
	return c
}
