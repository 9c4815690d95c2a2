package devserver

import (
	"context"
	"slices"
	"time"

	"github.com/redis/go-redis/v9"
)

// keeper renews this instance's claims every third of the claim expiry and,
// while Redis is away, tries it again with backoff; once back it re-claims
// every id at once, and a local peer whose id was claimed elsewhere
// meanwhile is closed: the claim in Redis wins.
func (b *redisBroker) keeper() {
	defer b.wg.Done()
	backoff := clusterMinBackoff
	for {
		wait := b.ttl / 3
		if !b.up.Load() {
			wait = backoff
		}
		t := time.NewTimer(wait)
		select {
		case <-b.ctx.Done():
			t.Stop()
			return
		case <-b.probe:
		case <-t.C:
		}
		t.Stop()
		if !b.up.Load() {
			if err := b.check(); err != nil {
				backoff = min(2*backoff, clusterMaxBackoff)
				continue
			}
			backoff = clusterMinBackoff
			if b.up.CompareAndSwap(false, true) {
				b.s.log.Info("cluster broker connected", "broker", b.url, "instance", b.instance)
			}
		}
		b.renew()
	}
}

// check is the keeper's probe while Redis is away.
func (b *redisBroker) check() error {
	ctx, cancel := context.WithTimeout(b.ctx, clusterOpTimeout)
	defer cancel()
	if err := b.rdb.Ping(ctx).Err(); err != nil {
		return err
	}
	b.forgetScripts() // a restarted Redis has none
	return b.loadScripts(ctx)
}

// renew renews (or takes again) the claim of every peer connected here.
func (b *redisBroker) renew() {
	r := &b.s.realm
	r.mu.Lock()
	held := make([]*client, 0, len(r.peers))
	for _, c := range r.peers {
		if c.claim != "" {
			held = append(held, c)
		}
	}
	r.mu.Unlock()
	for chunk := range slices.Chunk(held, clusterBatch) {
		if !b.renewChunk(chunk, true) {
			return
		}
	}
}

func (b *redisBroker) renewChunk(held []*client, retry bool) bool {
	ctx, cancel := context.WithTimeout(b.ctx, clusterOpTimeout)
	defer cancel()
	pipe := b.rdb.Pipeline()
	cmds := make([]*redis.Cmd, len(held))
	for i, c := range held {
		cmds[i] = renewScript.EvalSha(ctx, pipe, []string{b.peerKey(c.id)}, c.claim, b.ttl.Milliseconds())
	}
	_, _ = pipe.Exec(ctx)
	for i, cmd := range cmds {
		v, err := cmd.Int()
		switch {
		case err != nil && retry && isNoScript(err):
			b.forgetScripts()
			if err := b.loadScripts(ctx); err != nil {
				b.lost(err)
				return false
			}
			return b.renewChunk(held, false)
		case err != nil:
			b.lost(err)
			return false
		case v == 0:
			c := held[i]
			if b.s.realm.removeClaimed(c.id, c.claim) != nil {
				b.conflicts.Add(1)
				b.s.log.Warn("peer closed: its id was claimed on another instance", "id", c.id)
				c.stop(replacedBy(false))
			}
		}
	}
	return true
}

// lost marks Redis unreachable after err; the first loss logs and wakes the
// keeper.
func (b *redisBroker) lost(err error) {
	if b.ctx != nil && b.ctx.Err() != nil {
		return // shutting down
	}
	if b.up.CompareAndSwap(true, false) {
		b.lostCount.Add(1)
		b.s.log.Warn("cluster broker lost: relaying only between peers on this instance until it is back",
			"broker", b.url, "err", b.redact(err))
		select {
		case b.probe <- struct{}{}:
		default:
		}
	}
}
