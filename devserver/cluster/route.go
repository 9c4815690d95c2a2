package cluster

import (
	"context"
	"slices"

	"github.com/redis/go-redis/v9"
)

// outItem is a message on its way out, or (flushTo set) a request to hand
// the offline queue of dst to instance flushTo.
type outItem struct {
	typ, src, dst string
	payload       []byte // a slice of data, nil when the message has none
	data          []byte // the encoded frame, charged to the byte budget
	flushTo       string
	wait          bool // it waits for a dst connected nowhere; see Forward
}

func (it *outItem) message() Message {
	return Message{Type: it.typ, Src: it.src, Dst: it.dst, Payload: it.payload}
}

// Forward takes m, encoded as frame and charged to the byte budget, into
// the outbox; m.Payload is a slice of frame. wait says whether m waits
// for a destination connected nowhere (PeerJS queues every message but
// LEAVE and EXPIRE), so the instance it connects to asks for it. false
// means Redis is away or the outbox is full, and frame is still the
// caller's.
func (b *Broker) Forward(m Message, frame []byte, wait bool) bool {
	if !b.up.Load() {
		return false
	}
	return b.push(outItem{typ: m.Type, src: m.Src, dst: m.Dst, payload: m.Payload, data: frame, wait: wait})
}

// push adds it to the outbox; false if the outbox is full. The realm
// calls it under its lock (through forward): outMu is always taken after
// the realm's lock.
func (b *Broker) push(it outItem) bool {
	b.outMu.Lock()
	if len(b.out) >= clusterOutboxLen {
		b.outMu.Unlock()
		return false
	}
	b.out = append(b.out, it)
	b.outMu.Unlock()
	select {
	case b.outWake <- struct{}{}:
	default:
	}
	return true
}

// outboxLoop sends the outbox in batches, one pipeline each, in order: one
// goroutine and one pipeline after another keep each sender's messages to
// each destination in order, as PUBLISH keeps them on the channel.
func (b *Broker) outboxLoop() {
	defer b.wg.Done()
	for {
		select {
		case <-b.ctx.Done():
			b.outMu.Lock()
			for _, it := range b.out {
				b.h.Done(it.data)
			}
			b.out = nil
			b.outMu.Unlock()
			return
		case <-b.outWake:
		}
		for {
			b.outMu.Lock()
			n := min(len(b.out), clusterBatch)
			batch := slices.Clone(b.out[:n])
			b.out = b.out[:copy(b.out, b.out[n:])]
			b.outMu.Unlock()
			if n == 0 {
				break
			}
			b.sendBatch(batch, true)
		}
	}
}

// sendBatch routes batch through Redis in one pipeline. Messages Redis
// cannot place wait here as offline messages; with Redis away, all of them
// do, so their senders get EXPIRE in ExpireTimeout.
func (b *Broker) sendBatch(batch []outItem, retry bool) {
	type routed struct {
		it  *outItem
		cmd *redis.Cmd
	}
	var cmds []routed
	var flushed [][]byte
	ctx, cancel := context.WithTimeout(b.ctx, clusterOpTimeout)
	defer cancel()
	pipe := b.rdb.Load().Pipeline() // queues commands only; Exec runs in do
	waitMs := (b.expire + clusterOpTimeout).Milliseconds()
	for i := range batch {
		it := &batch[i]
		if it.flushTo != "" {
			flushed = append(flushed, b.flushTo(ctx, pipe, it.dst, it.flushTo)...)
			continue
		}
		if !b.up.Load() {
			b.settle(it)
			continue
		}
		if b.h.QueueBehind(it.message(), it.data) {
			continue
		}
		e := envelope{kind: envRelay, from: b.instance, id: it.dst, src: it.src, typ: it.typ, payload: it.payload}
		cmd := routeScript.EvalSha(ctx, pipe, []string{b.peerKey(it.dst), b.waitKey(it.dst)},
			b.channel(""), e.appendTo(nil), b.instance, waitMs, flag(it.wait))
		cmds = append(cmds, routed{it, cmd})
	}
	if pipe.Len() > 0 {
		err := b.do(func(*redis.Client) error {
			_, _ = pipe.Exec(ctx) // each command's error is read below
			return nil
		})
		if err != nil {
			// The client crashed partway through the replies: a command
			// with none may or may not have run, and is placed here as
			// one Redis did not deliver.
			for _, r := range cmds {
				if r.cmd.Err() == nil && r.cmd.Val() == nil {
					r.cmd.SetErr(err)
				}
			}
		}
	}
	var again []outItem
	for _, r := range cmds {
		v, err := r.cmd.Int()
		switch {
		case err != nil && retry && isNoScript(err):
			again = append(again, *r.it)
		case err != nil:
			b.lost(err)
			b.settle(r.it)
		case v == 1:
			b.forwarded.Add(1)
			b.h.Done(r.it.data)
		default:
			b.settle(r.it)
		}
	}
	for _, f := range flushed {
		b.h.Done(f)
	}
	if len(again) > 0 {
		// Redis restarted between two checks and forgot the scripts.
		if err := b.reloadScripts(ctx); err != nil {
			b.lost(err)
		}
		b.sendBatch(again, false)
	}
}

// settle places a message Redis did not deliver: to dst if it connected
// here meanwhile, else in its offline queue here (LEAVE and EXPIRE are
// dropped, as for any offline peer).
func (b *Broker) settle(it *outItem) {
	if b.h.QueueHere(it.message(), it.data) {
		return
	}
	b.h.Deliver(it.message())
	b.h.Done(it.data)
}

// flushTo hands id's offline queue here to instance inst, where id has
// connected, in order. It returns the frames, still charged, for the
// caller to release once the pipeline has run.
func (b *Broker) flushTo(ctx context.Context, pipe redis.Pipeliner, id, inst string) [][]byte {
	msgs, frames := b.h.Flush(id)
	for _, m := range msgs {
		e := envelope{kind: envRelay, from: b.instance, id: id, src: m.Src, typ: m.Type, payload: m.Payload}
		pipe.Publish(ctx, b.channel(inst), e.appendTo(nil))
		b.forwarded.Add(1)
	}
	return frames
}
