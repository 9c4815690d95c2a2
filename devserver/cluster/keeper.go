package cluster

import (
	"context"
	"errors"
	"net"
	"slices"
	"time"

	"github.com/redis/go-redis/v9"
)

// keeper renews this instance's claims every third of the claim expiry and,
// while Redis is away, tries it again with backoff; once back it re-claims
// every id at once, and a local peer whose id was claimed elsewhere
// meanwhile is closed: the claim in Redis wins.
func (b *Broker) keeper() {
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
				b.log.Info("cluster broker connected", "broker", b.url, "instance", b.instance)
			}
		}
		b.renew()
	}
}

// check is the keeper's probe while Redis is away.
func (b *Broker) check() error {
	ctx, cancel := context.WithTimeout(b.ctx, clusterOpTimeout)
	defer cancel()
	if err := b.do(func(rdb *redis.Client) error { return rdb.Ping(ctx).Err() }); err != nil {
		return err
	}
	return b.reloadScripts(ctx) // a restarted Redis has none
}

// renew renews (or takes again) the claim of every peer connected here.
func (b *Broker) renew() {
	for chunk := range slices.Chunk(b.h.Claims(), clusterBatch) {
		if !b.renewChunk(chunk, true) {
			return
		}
	}
}

func (b *Broker) renewChunk(held []HeldClaim, retry bool) bool {
	ctx, cancel := context.WithTimeout(b.ctx, clusterOpTimeout)
	defer cancel()
	cmds := make([]*redis.Cmd, len(held))
	if err := b.do(func(rdb *redis.Client) error {
		pipe := rdb.Pipeline()
		for i, c := range held {
			cmds[i] = renewScript.EvalSha(ctx, pipe, []string{b.peerKey(c.ID)}, c.Claim, b.ttl.Milliseconds())
		}
		_, _ = pipe.Exec(ctx) // each command's error is read below
		return nil
	}); err != nil {
		b.lost(err) // which renewals ran is unknown: all run again once back
		return false
	}
	for i, cmd := range cmds {
		v, err := cmd.Int()
		switch {
		case err != nil && retry && isNoScript(err):
			if err := b.reloadScripts(ctx); err != nil {
				b.lost(err)
				return false
			}
			return b.renewChunk(held, false)
		case err != nil:
			b.lost(err)
			return false
		case v == 0:
			c := held[i]
			if b.h.Replaced(c.ID, c.Claim, false) {
				b.conflicts.Add(1)
				b.log.Warn("peer closed: its id was claimed on another instance", "id", c.ID)
			}
		}
	}
	return true
}

// lost marks Redis unreachable after err; the first loss logs and wakes the
// keeper. A crash, and work cut off by a client or connection this broker
// closed itself (after a crash, when no PONG came, or at shutdown), are
// recorded where it closed them: marking them again here could come after
// the keeper has reconnected, and take the broker down for nothing.
func (b *Broker) lost(err error) {
	if b.ctx != nil && b.ctx.Err() != nil {
		return // shutting down
	}
	if errors.Is(err, errCrashed) || errors.Is(err, redis.ErrClosed) || errors.Is(err, net.ErrClosed) {
		return
	}
	if b.markDown() {
		b.log.Warn("cluster broker lost: relaying only between peers on this instance until it is back",
			"broker", b.url, "err", b.redact(err))
	}
}

// markDown marks Redis unreachable and wakes the keeper, reporting whether
// it was reachable until now.
func (b *Broker) markDown() bool {
	if !b.up.CompareAndSwap(true, false) {
		return false
	}
	b.lostCount.Add(1)
	select {
	case b.probe <- struct{}{}:
	default:
	}
	return true
}
