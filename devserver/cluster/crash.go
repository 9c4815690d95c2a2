package cluster

import (
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"
)

// A Redis server is untrusted input: some replies make go-redis panic in
// the goroutine that reads them. A bulk string whose length is 2^63-1
// ($9223372036854775807) does it in go-redis v9.23: its reader allocates
// length+2 bytes, which overflows to a negative length, and make panics
// with "makeslice: len out of range". Every call into go-redis (a command,
// a pipeline, a receive on the subscription), from any goroutine (the
// receive loop, the outbox, the keeper, a peer's claim and release, the
// /id and /peers handlers), therefore goes through do, the one place that
// recovers such a panic. The work that called it sees an error and takes
// its usual path for a lost connection, and the process goes on.

// errCrashed is in the error do returns for a panic.
var errCrashed = errors.New("the Redis client crashed on a reply")

// do runs fn with the current Redis client and turns a panic out of it
// into an error (see crashed).
func (b *Broker) do(fn func(rdb *redis.Client) error) (err error) {
	rdb := b.rdb.Load()
	defer func() {
		if v := recover(); v != nil {
			err = b.crashed(rdb, v)
		}
	}()
	return fn(rdb)
}

// crashed handles v, a panic out of go-redis while rdb was in use, and
// returns it as an error. go-redis removes a pooled connection whose
// command panicked, but not one that panicked in its handshake (HELLO):
// that one keeps its pool slot and its socket for good. A subscription's
// connection is left mid-reply. So the whole client is replaced: its
// connections close, the receive loop subscribes again on the new one,
// and the keeper reconnects as after any loss, with one log line for the
// crash. The work that meets this error, or is cut off by the closing,
// leaves the loss as recorded here (see lost).
func (b *Broker) crashed(rdb *redis.Client, v any) error {
	err := b.redact(fmt.Errorf("%w: %v", errCrashed, v))
	if b.ctx == nil {
		return err // New is connecting: it closes the client and returns err
	}
	b.resetMu.Lock()
	defer b.resetMu.Unlock()
	if b.ctx.Err() != nil {
		return err // closing
	}
	b.log.Error("cluster broker connection closed: a reply from Redis crashed its client; reconnecting",
		"broker", b.url, "err", err)
	b.markDown()
	if b.rdb.Load() == rdb {
		b.rdb.Store(b.newClient())
		b.dropSubscription()
		_ = rdb.Close()
		b.forgetScripts()
	}
	return err
}

// newClient is a client with the broker's options; each gets its own
// copy, since go-redis fills in defaults in the one it is given.
func (b *Broker) newClient() *redis.Client {
	opt := b.opt
	return redis.NewClient(&opt)
}
