package loadgen

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// ChurnConfig is the churn scenario: StablePairs pairs keep negotiating
// while short-lived peers join, send a few messages to a stable peer and
// leave, half of them with a close frame and half by dropping the TCP
// connection. Every message to a stable peer must arrive, once and in
// order; a message sent to a peer some time after it left must come back to
// its sender as EXPIRE (peerjs-server's offline queue, expire_timeout).
type ChurnConfig struct {
	StablePairs    int
	RoundInterval  time.Duration // pause between a pair's negotiations
	Duration       time.Duration // how long peers keep joining
	JoinRate       float64       // churning peers started per second
	MinLife        time.Duration // a churning peer's lifetime, chosen uniformly
	MaxLife        time.Duration
	Messages       int           // CANDIDATEs each churning peer sends before leaving
	ProbeDelay     time.Duration // how long after a peer left a message is sent to it
	ExpireWait     time.Duration // how long its EXPIRE may take
	DrainWait      time.Duration // how long the last messages may take at the end
	Candidates     int
	SDPBytes       int
	CandidateBytes int
	Concurrency    int
}

// ChurnResult is one churn run.
type ChurnResult struct {
	Joined        int      `json:"joined"`
	JoinFailed    int      `json:"join_failed"`
	Left          int      `json:"left"`
	Negotiations  int64    `json:"negotiations"`
	Sent          int64    `json:"sent"`      // messages to stable (connected) peers
	Delivered     int64    `json:"delivered"` // of those, received once
	Lost          int64    `json:"lost"`
	Duplicated    int64    `json:"duplicated"`
	Reordered     int64    `json:"reordered"`
	Probes        int      `json:"probes"` // messages to departed peers
	Expired       int      `json:"expired"`
	ExpireMissing int      `json:"expire_missing"`
	StrayExpire   int      `json:"stray_expire"` // EXPIRE for a peer that was connected
	PeersLost     int      `json:"stable_peers_lost"`
	Passed        bool     `json:"passed"`
	Problems      []string `json:"problems,omitempty"`
	ErrorCount    int      `json:"error_count"`
	Errors        []string `json:"errors,omitempty"`
}

// stream is what one stable peer received from one sender.
type stream struct {
	last, got, dup, reordered int64
}

type stablePeer struct {
	p        *Peer
	partner  int
	streams  map[int]*stream // by sender Index; only the read goroutine touches it
	sent     atomic.Int64    // messages this peer sent to its partner
	received atomic.Int64    // messages it received in order

	// offerer side of the pair, under mu
	mu       sync.Mutex
	answered bool
	cands    int
	pairStop
}

type churnRun struct {
	cfg      ChurnConfig
	bodies   Bodies
	stable   []*stablePeer
	ready    chan struct{}
	stopping atomic.Bool
	closing  atomic.Bool
	active   sync.WaitGroup
	negs     atomic.Int64
	churnOut atomic.Int64 // messages churning peers sent to stable peers

	mu      sync.Mutex
	pending map[probeKey]time.Time // EXPIREs awaited
	expired int
	stray   int
	lost    lostPeers
	errs    errorList
}

type probeKey struct {
	stable int
	dst    string
}

// Churn runs the churn scenario once.
func Churn(ctx context.Context, t Target, cfg ChurnConfig) (ChurnResult, error) {
	if cfg.StablePairs < 1 || cfg.Duration <= 0 || cfg.JoinRate <= 0 || cfg.MaxLife < cfg.MinLife {
		return ChurnResult{}, errors.New("churn: need a stable pair, a duration, a join rate and MinLife <= MaxLife")
	}
	r := &churnRun{cfg: cfg, bodies: NewBodies(cfg.SDPBytes, cfg.CandidateBytes),
		ready: make(chan struct{}), pending: map[probeKey]time.Time{}}
	n := 2 * cfg.StablePairs
	ids, _ := peerIDs(ctx, t, "stable", n, false)
	peers, err := openAll(ctx, t, ids, cfg.Concurrency, DialOptions{Handler: r.handle, OnClose: r.closed}, &r.errs)
	defer func() {
		r.closing.Store(true)
		closeAll(peers, true, 64)
	}()
	if err != nil {
		return ChurnResult{}, fmt.Errorf("churn: stable peers: %w", err)
	}
	for i, p := range peers {
		r.stable = append(r.stable, &stablePeer{p: p, partner: i ^ 1, streams: map[int]*stream{}})
	}
	close(r.ready)
	r.active.Add(cfg.StablePairs)
	for i := 0; i < n; i += 2 {
		sp := r.stable[i]
		sp.mu.Lock()
		r.startLocked(sp)
		sp.mu.Unlock()
	}

	res := ChurnResult{}
	departed := make(chan departure, 1024)
	var probes sync.WaitGroup
	probes.Go(func() { res.Probes = r.probe(ctx, departed) })
	res.Joined, res.JoinFailed = r.churn(ctx, t.dialer(), t, n, departed)
	close(departed)
	probes.Wait()
	res.Left = res.Joined // a churner that joined has left by the time churn returns

	// Every EXPIRE due, then the pairs' last negotiation, then the last
	// messages in flight.
	r.waitExpires(ctx)
	r.stopping.Store(true)
	if !waitGroupTimeout(&r.active, cfg.DrainWait+10*time.Second) {
		r.errs.add(errors.New("churn: stable pairs still negotiating after the run"))
	}
	sent := func() int64 {
		s := r.churnOut.Load()
		for _, sp := range r.stable {
			s += sp.sent.Load()
		}
		return s
	}
	for deadline := time.Now().Add(cfg.DrainWait); time.Now().Before(deadline) && r.delivered() < sent(); {
		time.Sleep(20 * time.Millisecond)
	}
	r.closing.Store(true)
	closeAll(peers, true, 64)

	res.Negotiations = r.negs.Load()
	res.Sent = sent()
	for _, sp := range r.stable {
		for _, s := range sp.streams {
			res.Delivered += s.got
			res.Duplicated += s.dup
			res.Reordered += s.reordered
		}
	}
	res.Lost = max(res.Sent-res.Delivered, 0)
	r.mu.Lock()
	res.Expired, res.ExpireMissing, res.StrayExpire = r.expired, len(r.pending), r.stray
	r.mu.Unlock()
	r.lost.mu.Lock()
	res.PeersLost = r.lost.n
	r.lost.mu.Unlock()
	res.ErrorCount, res.Errors = r.errs.snapshot()
	res.Problems = churnProblems(res)
	res.Passed = len(res.Problems) == 0
	return res, nil
}

func churnProblems(r ChurnResult) []string {
	var p []string
	check := func(bad bool, format string, args ...any) {
		if bad {
			p = append(p, fmt.Sprintf(format, args...))
		}
	}
	check(r.Lost > 0, "%d of %d messages to connected peers were lost", r.Lost, r.Sent)
	check(r.Duplicated > 0, "%d messages were delivered twice", r.Duplicated)
	check(r.Reordered > 0, "%d messages arrived out of order", r.Reordered)
	check(r.ExpireMissing > 0, "%d of %d messages to departed peers got no EXPIRE", r.ExpireMissing, r.Probes)
	check(r.StrayExpire > 0, "%d EXPIREs named a peer that was connected", r.StrayExpire)
	check(r.PeersLost > 0, "the server ended %d stable peers' connections", r.PeersLost)
	check(r.JoinFailed > 0, "%d of %d joining peers could not connect", r.JoinFailed, r.Joined+r.JoinFailed)
	check(r.Probes == 0, "no message to a departed peer was sent")
	check(r.Sent == 0, "no message was sent")
	return p
}

func (r *churnRun) delivered() int64 {
	var n int64
	for _, sp := range r.stable {
		n += sp.received.Load()
	}
	return n
}

type departure struct {
	id string
	at time.Time
}

// churn starts JoinRate peers a second for Duration and waits until all
// have left; it returns how many joined and how many could not.
func (r *churnRun) churn(ctx context.Context, d *websocket.Dialer, t Target, base int, departed chan<- departure) (joined, failed int) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	interval := time.Duration(float64(time.Second) / r.cfg.JoinRate)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	end := time.After(r.cfg.Duration)
	for k := 0; ; k++ {
		select {
		case <-ctx.Done():
		case <-end:
		case <-tick.C:
			wg.Go(func() {
				ok := r.churner(ctx, d, t, base+k, departed)
				mu.Lock()
				if ok {
					joined++
				} else {
					failed++
				}
				mu.Unlock()
			})
			continue
		}
		break
	}
	wg.Wait()
	return joined, failed
}

// churner is one short-lived peer.
func (r *churnRun) churner(ctx context.Context, d *websocket.Dialer, t Target, index int, departed chan<- departure) bool {
	id := fmt.Sprintf("churn-%d", index)
	p, err := Dial(ctx, d, t, id, index, DialOptions{})
	if err != nil {
		r.errs.add(err)
		return false
	}
	to := r.stable[index%len(r.stable)].p.ID
	for i := range r.cfg.Messages {
		if err := p.Send(TypeCandidate, to, int64(i+1), r.bodies.Candidate); err != nil {
			r.errs.add(err)
			break
		}
		r.churnOut.Add(1)
	}
	life := r.cfg.MinLife + rand.N(r.cfg.MaxLife-r.cfg.MinLife+1)
	sleepCtx(ctx, life)
	p.Close(index%2 == 0, closeWait)
	departed <- departure{id: id, at: time.Now()}
	return true
}

// probe sends, ProbeDelay after each peer left, an OFFER to it from a
// stable peer, and returns how many it sent.
func (r *churnRun) probe(ctx context.Context, departed <-chan departure) int {
	n := 0
	for dep := range departed {
		if !sleepCtx(ctx, time.Until(dep.at.Add(r.cfg.ProbeDelay))) {
			continue
		}
		sp := r.stable[n%len(r.stable)]
		r.mu.Lock()
		r.pending[probeKey{sp.p.Index, dep.id}] = time.Now()
		r.mu.Unlock()
		if err := sp.p.Send(TypeOffer, dep.id, 0, r.bodies.Offer); err != nil {
			r.errs.add(err)
			r.mu.Lock()
			delete(r.pending, probeKey{sp.p.Index, dep.id})
			r.mu.Unlock()
			continue
		}
		n++
	}
	return n
}

// waitExpires waits until every probe has its EXPIRE or the last one is
// ExpireWait old.
func (r *churnRun) waitExpires(ctx context.Context) {
	for {
		r.mu.Lock()
		var newest time.Time
		for _, at := range r.pending {
			if at.After(newest) {
				newest = at
			}
		}
		left := len(r.pending)
		r.mu.Unlock()
		if left == 0 || time.Since(newest) > r.cfg.ExpireWait || !sleepCtx(ctx, 50*time.Millisecond) {
			return
		}
	}
}

// handle runs on a stable peer's read goroutine.
func (r *churnRun) handle(p *Peer, m Message) {
	<-r.ready
	sp := r.stable[p.Index]
	switch m.Type {
	case TypeExpire:
		r.mu.Lock()
		k := probeKey{p.Index, m.Src}
		if _, ok := r.pending[k]; ok {
			delete(r.pending, k)
			r.expired++
		} else {
			r.stray++
			r.errs.add(fmt.Errorf("%s got EXPIRE for %s, which it sent nothing while offline", p.ID, m.Src))
		}
		r.mu.Unlock()
		return
	case TypeOffer, TypeAnswer, TypeCandidate:
	default:
		r.errs.add(fmt.Errorf("%s got an unexpected %s from %q", p.ID, m.Type, m.Src))
		return
	}
	s := sp.streams[m.From]
	if s == nil {
		s = &stream{}
		sp.streams[m.From] = s
	}
	switch {
	case m.Seq == s.last+1:
		s.got++
		s.last = m.Seq
		sp.received.Add(1)
	case m.Seq <= s.last:
		s.dup++
	default:
		// A gap: this one counts as delivered and out of order; a late
		// one from the gap would then count as a duplicate.
		s.reordered++
		s.got++
		s.last = m.Seq
		sp.received.Add(1)
	}
	if m.From != sp.partner {
		return
	}
	if p.Index%2 == 1 { // the answerer
		if m.Type == TypeOffer {
			r.reply(sp, TypeAnswer)
		}
		return
	}
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if sp.stopped {
		return
	}
	if m.Type == TypeAnswer {
		sp.answered = true
	} else if m.Type == TypeCandidate {
		sp.cands++
	}
	if !sp.answered || sp.cands < r.cfg.Candidates {
		return
	}
	r.negs.Add(1)
	if r.stopping.Load() {
		sp.stop(&r.active)
		return
	}
	sp.answered, sp.cands = false, 0
	time.AfterFunc(r.cfg.RoundInterval, func() {
		sp.mu.Lock()
		defer sp.mu.Unlock()
		if r.stopping.Load() {
			sp.stop(&r.active)
			return
		}
		r.startLocked(sp)
	})
}

// startLocked sends the offerer's OFFER and candidates; sp.mu is held.
func (r *churnRun) startLocked(sp *stablePeer) {
	if !r.reply(sp, TypeOffer) {
		sp.stop(&r.active)
	}
}

// reply sends a description and its candidates to sp's partner, numbered
// in sp's stream. A message counts as sent once it is numbered: a send that
// fails ends the connection, which fails the run anyway.
func (r *churnRun) reply(sp *stablePeer, typ string) bool {
	err := sendDescription(sp.p, r.stable[sp.partner].p.ID, typ, r.bodies, r.cfg.Candidates, func() int64 { return sp.sent.Add(1) })
	r.errs.add(err)
	return err == nil
}

func (r *churnRun) closed(p *Peer, err error) {
	if r.closing.Load() {
		return
	}
	r.lost.add(p, err, &r.errs)
}
