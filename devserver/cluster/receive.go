package cluster

import (
	"context"
	"errors"
	"net"
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
func (b *Broker) receiveLoop() {
	defer b.wg.Done()
	pinged := false
	for {
		var msg any
		err := b.do(func(rdb *redis.Client) (err error) {
			ps := b.subscription(rdb)
			if ps == nil {
				return context.Canceled
			}
			msg, err = ps.ReceiveTimeout(b.ctx, clusterOpTimeout)
			return err
		})
		if b.ctx.Err() != nil {
			return
		}
		switch {
		case err == nil:
			pinged = false
		case isTimeout(err) && !pinged:
			pinged = true
			ctx, cancel := context.WithTimeout(b.ctx, clusterOpTimeout)
			err = b.do(func(rdb *redis.Client) error {
				if ps := b.subscription(rdb); ps != nil {
					return ps.Ping(ctx) // the PONG arrives as a message
				}
				return context.Canceled
			})
			cancel()
		case isTimeout(err):
			pinged = false
			err = errors.New("no PONG on the subscription")
			b.dropSubscription()
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

// subscription is this instance's channel on rdb, subscribed afresh when
// the last one was dropped or belongs to a replaced client; nil once the
// broker is closing (close cancels first, then drops the last one). The
// caller is inside do: subscribing dials and shakes hands.
func (b *Broker) subscription(rdb *redis.Client) *redis.PubSub {
	b.psMu.Lock()
	defer b.psMu.Unlock()
	if b.pubsub != nil && b.psClient == rdb {
		return b.pubsub
	}
	if b.ctx.Err() != nil {
		return nil
	}
	if b.pubsub != nil {
		_ = b.pubsub.Close()
	}
	b.pubsub, b.psClient = rdb.Subscribe(b.ctx, b.channel(b.instance)), rdb
	return b.pubsub
}

// dropSubscription closes the subscription, one whose connection went
// quiet or whose client crashed; the receive loop subscribes again.
func (b *Broker) dropSubscription() {
	b.psMu.Lock()
	defer b.psMu.Unlock()
	if b.pubsub != nil {
		_ = b.pubsub.Close()
		b.pubsub, b.psClient = nil, nil
	}
}

// receive acts on one envelope from another instance.
func (b *Broker) receive(data []byte) {
	e, err := decodeEnvelope(data)
	if err == nil && e.kind == envRelay && !b.h.Valid(e.message()) {
		err = errWire
	}
	if err != nil || e.id == "" {
		if n := b.malformed.Add(1); n&(n-1) == 0 {
			b.log.Warn("dropped malformed cluster message", "bytes", len(data), "dropped", n)
		}
		return
	}
	switch e.kind {
	case envRelay:
		b.received.Add(1)
		b.h.Deliver(e.message()) // copies what it keeps
	case envKick:
		if b.h.Replaced(e.id, e.claim, e.sameToken) {
			b.log.Info("peer replaced by a connection on another instance", "id", e.id, "same_token", e.sameToken)
		}
	case envFlush:
		b.push(outItem{dst: e.id, flushTo: e.from})
	}
}

// isTimeout reports a deadline error, as a receive with a timeout returns.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
