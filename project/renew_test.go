package project

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeClock is the renew loop's clock, moved and ticked by the test.
type fakeClock struct {
	now      time.Time
	c        chan time.Time
	interval time.Duration
	stopped  bool
}

func (f *fakeClock) Now() time.Time { return f.now }

func (f *fakeClock) NewTicker(d time.Duration) Ticker { f.interval = d; return f }
func (f *fakeClock) C() <-chan time.Time              { return f.c }
func (f *fakeClock) Stop()                            { f.stopped = true }

// runOnce starts r.Run, ticks once at the clock's time and returns when the
// loop has handled the tick: the send returns once Run has received it,
// and Run looks at ctx only after Ensure has returned.
func runOnce(t *testing.T, r *Renewer, clock *fakeClock) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	select {
	case clock.c <- clock.now:
	case <-time.After(10 * time.Second):
		t.Fatal("the renew loop never waited on its ticker")
	}
	cancel()
	<-done
	if clock.interval != RenewEvery || !clock.stopped {
		t.Errorf("ticker every %v, stopped %v; want every %v and stopped", clock.interval, clock.stopped, RenewEvery)
	}
}

func TestRenewerUnderAFakeClock(t *testing.T) {
	dir := t.TempDir()
	start := time.Now()
	o := EnsureOptions{Layout: NewLayout(dir), Config: Defaults(), CADir: filepath.Join(dir, "ca"),
		System: fakeSystem{host: "devbox"}, Now: start}
	first, err := Ensure(o)
	if err != nil {
		t.Fatal(err)
	}
	newRenewer := func(o EnsureOptions, clock *fakeClock) (*Renewer, *bytes.Buffer) {
		var logs bytes.Buffer
		r := NewRenewer(o, first)
		r.Now, r.NewTicker = clock.Now, clock.NewTicker
		r.Log = slog.New(slog.NewTextHandler(&logs, nil))
		return r, &logs
	}

	t.Run("an hour later nothing changes", func(t *testing.T) {
		clock := &fakeClock{now: start.Add(time.Hour), c: make(chan time.Time)}
		r, logs := newRenewer(o, clock)
		runOnce(t, r, clock)
		if got := r.Current(); got.LeafAction != LeafUnchanged || !got.Leaf.Cert.Equal(first.Leaf.Cert) {
			t.Errorf("after an hour: %s %q", got.LeafAction, got.Reason)
		}
		if logs.Len() != 0 {
			t.Errorf("logged %q", logs)
		}
	})
	t.Run("with a third of its life left the leaf is renewed", func(t *testing.T) {
		clock := &fakeClock{now: start.Add(70 * 24 * time.Hour), c: make(chan time.Time)}
		r, logs := newRenewer(o, clock)
		runOnce(t, r, clock)
		got := r.Current()
		if got.LeafAction != LeafRenewed || !got.Leaf.Cert.NotAfter.After(first.Leaf.Cert.NotAfter) {
			t.Fatalf("after 70 days: %s %q, not after %v", got.LeafAction, got.Reason, got.Leaf.Cert.NotAfter)
		}
		if !strings.Contains(logs.String(), "certificate renewed") {
			t.Errorf("logged %q", logs)
		}
	})
	t.Run("a failed renewal keeps the current set", func(t *testing.T) {
		bad := o
		bad.Config.KeyType = "dsa"
		clock := &fakeClock{now: start.Add(80 * 24 * time.Hour), c: make(chan time.Time)}
		r, logs := newRenewer(bad, clock)
		runOnce(t, r, clock)
		if r.Current() != first {
			t.Error("a failed renewal replaced the current result")
		}
		if !strings.Contains(logs.String(), "certificate renewal failed") {
			t.Errorf("logged %q", logs)
		}
	})
}
