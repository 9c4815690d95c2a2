package project

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"time"
)

// RenewEvery is how often a long-running server checks its certificate
// set. A leaf is renewed when a third of its life (30 days of the default
// 90) is left, so an hour is far more often than needed and costs one stat
// and a parse.
const RenewEvery = time.Hour

// Ticker is the part of time.Ticker the renew loop uses, so a test can tick
// by hand.
type Ticker interface {
	C() <-chan time.Time
	Stop()
}

// Renewer keeps a project's certificate set fresh while a server runs for
// longer than a leaf lives (rtdev serve left open for months). It runs
// Ensure on every tick; the server's certificate reloader picks up the new
// files, and Current is what its health page reports.
type Renewer struct {
	opts EnsureOptions
	// Now and NewTicker are the clock; nil means the real one.
	Now       func() time.Time
	NewTicker func(time.Duration) Ticker
	// Log gets a warning for a failed renewal and a line for each renewal;
	// nil discards them.
	Log *slog.Logger

	current atomic.Pointer[EnsureResult]
}

// NewRenewer returns a Renewer for the set Ensure made as first, with the
// options it was made with.
func NewRenewer(o EnsureOptions, first *EnsureResult) *Renewer {
	r := &Renewer{opts: o}
	r.current.Store(first)
	return r
}

// Current is the latest result of Ensure.
func (r *Renewer) Current() *EnsureResult { return r.current.Load() }

// Run ensures the set every RenewEvery until ctx ends. A failed renewal is
// logged and the current set kept: the old leaf still works until it
// expires, and the next tick tries again.
func (r *Renewer) Run(ctx context.Context) {
	now, newTicker, log := r.Now, r.NewTicker, r.Log
	if now == nil {
		now = time.Now
	}
	if newTicker == nil {
		newTicker = func(d time.Duration) Ticker { return realTicker{time.NewTicker(d)} }
	}
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	t := newTicker(RenewEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C():
			o := r.opts
			o.Now = now()
			res, err := Ensure(o)
			if err != nil {
				log.Warn("certificate renewal failed", "err", err)
				continue
			}
			r.current.Store(res)
			if res.LeafAction != LeafUnchanged {
				log.Info("certificate renewed", "reason", res.Reason)
			}
		}
	}
}

type realTicker struct{ t *time.Ticker }

func (r realTicker) C() <-chan time.Time { return r.t.C }
func (r realTicker) Stop()               { r.t.Stop() }
