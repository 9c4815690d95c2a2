package loadgen

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// RelayConfig is the relay scenario: Peers/2 pairs negotiate back to back.
// In each negotiation the offerer sends an OFFER and trickles Candidates
// CANDIDATEs; the answerer replies on the OFFER with an ANSWER and its own
// Candidates. The offerer starts the next one once it has the ANSWER and
// all candidates, so each pair always has one negotiation in flight and the
// server is kept as busy as it can be by Peers connections.
type RelayConfig struct {
	Peers          int           // connected peers; rounded down to an even number
	Warmup         time.Duration // negotiating before the measured window
	Duration       time.Duration // the measured window
	Candidates     int           // CANDIDATEs per side per negotiation (10)
	SDPBytes       int           // OFFER and ANSWER payload size (4096)
	CandidateBytes int           // CANDIDATE payload size (200)
	Concurrency    int           // dials in flight while connecting
	FetchIDs       bool          // take ids from GET /id, as a client given none does

	// PeerRate caps the messages per second each peer sends (0: no cap, each
	// pair as fast as it can). A pair waits before its next negotiation if
	// the last one began less than (Candidates+1)/PeerRate ago. rtdev serve
	// closes a connection that sends over 100 messages/s (burst 200), so
	// the full preset uses 90 and enough peers to saturate the server.
	PeerRate float64
}

// RelayResult is one relay run.
type RelayResult struct {
	Peers             int         `json:"peers"`
	PeerRate          float64     `json:"peer_rate"` // the cap per peer, 0 for none
	WindowSeconds     float64     `json:"window_s"`
	Messages          int64       `json:"messages"` // relayed messages delivered in the window
	MessagesPerSec    float64     `json:"messages_per_s"`
	Negotiations      int64       `json:"negotiations"` // negotiations completed in the window
	LatencyP50Ms      float64     `json:"latency_p50_ms"`
	LatencyP99Ms      float64     `json:"latency_p99_ms"`
	ServerCPUSeconds  float64     `json:"server_cpu_s"`
	ServerCPUPer100k  float64     `json:"server_cpu_s_per_100k"`
	LoadgenCPUSeconds float64     `json:"loadgen_cpu_s"`
	ServerRSS         int64       `json:"server_rss_bytes"`
	PeersLost         int         `json:"peers_lost"`            // connections the server ended during the run
	CloseCodes        map[int]int `json:"close_codes,omitempty"` // their close codes (1008: rate limit)
	ErrorCount        int         `json:"error_count"`
	Errors            []string    `json:"errors,omitempty"`
}

const (
	phaseWarmup = iota
	phaseWindow
	phaseDrain
	phaseClose
)

type relayPair struct {
	mu       sync.Mutex
	a, b     *Peer
	seq      int64
	answered bool
	cands    int
	pairStop
	began time.Time // when the current negotiation started
}

type relayRun struct {
	cfg          RelayConfig
	bodies       Bodies
	phase        atomic.Int32
	ready        chan struct{} // closed once pairs is set
	pairs        []*relayPair
	latency      [][]int64 // each message's relay time (ns) in the window, by Peer.Index; only that peer's read goroutine writes it
	active       sync.WaitGroup
	negotiations atomic.Int64
	lost         lostPeers
	errs         errorList
}

// lostPeers counts connections the server ended, by close code.
type lostPeers struct {
	mu    sync.Mutex
	n     int
	codes map[int]int
}

// add counts p's connection, which the server ended with err, and files the
// error.
func (l *lostPeers) add(p *Peer, err error, errs *errorList) {
	errs.add(fmt.Errorf("server ended %s's connection: %w", p.ID, errOrEOF(err)))
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n++
	if c := CloseCode(err); c != 0 {
		if l.codes == nil {
			l.codes = map[int]int{}
		}
		l.codes[c]++
	}
}

// Relay runs the relay scenario once.
func Relay(ctx context.Context, t Target, cfg RelayConfig) (RelayResult, error) {
	n := cfg.Peers &^ 1
	if n < 2 || cfg.Duration <= 0 || cfg.Candidates < 0 {
		return RelayResult{}, errors.New("relay: need at least 2 peers, a duration and Candidates >= 0")
	}
	r := &relayRun{cfg: cfg, bodies: NewBodies(cfg.SDPBytes, cfg.CandidateBytes), latency: make([][]int64, n), ready: make(chan struct{})}
	ids, err := peerIDs(ctx, t, "relay", n, cfg.FetchIDs)
	if err != nil {
		return RelayResult{}, fmt.Errorf("relay: %w", err)
	}
	peers, err := openAll(ctx, t, ids, cfg.Concurrency, DialOptions{Handler: r.handle, OnClose: r.closed}, &r.errs)
	defer func() {
		r.phase.Store(phaseClose)
		closeAll(peers, true, 64)
	}()
	if err != nil {
		return RelayResult{}, fmt.Errorf("relay: %w", err)
	}
	for i := 0; i < n; i += 2 {
		r.pairs = append(r.pairs, &relayPair{a: peers[i], b: peers[i+1]})
	}
	r.active.Add(len(r.pairs))
	close(r.ready)
	for _, pr := range r.pairs {
		pr.mu.Lock()
		r.startLocked(pr)
		pr.mu.Unlock()
	}

	if !sleepCtx(ctx, cfg.Warmup) {
		return RelayResult{}, ctx.Err()
	}
	w, err := measureWindow(ctx, t.Meter, cfg.Duration, &r.phase)
	if err != nil {
		return RelayResult{}, fmt.Errorf("relay: %w", err)
	}
	// Let every pair finish the negotiation it is in, so no message is cut
	// off by the close.
	if !waitGroupTimeout(&r.active, 30*time.Second) {
		r.errs.add(errors.New("relay: pairs still negotiating 30s after the window closed"))
	}
	r.phase.Store(phaseClose)
	closeAll(peers, true, 64)

	res := RelayResult{
		Peers:             n,
		PeerRate:          cfg.PeerRate,
		WindowSeconds:     w.window.Seconds(),
		Negotiations:      r.negotiations.Load(),
		ServerCPUSeconds:  w.serverCPU.Seconds(),
		LoadgenCPUSeconds: w.loadgenCPU.Seconds(),
		ServerRSS:         w.end.RSS,
	}
	for _, l := range r.latency {
		res.Messages += int64(len(l))
	}
	res.LatencyP50Ms, res.LatencyP99Ms = latencySummary(r.latency)
	res.MessagesPerSec = float64(res.Messages) / w.window.Seconds()
	if res.Messages > 0 {
		res.ServerCPUPer100k = res.ServerCPUSeconds / float64(res.Messages) * 1e5
	}
	r.lost.mu.Lock()
	res.PeersLost, res.CloseCodes = r.lost.n, r.lost.codes
	r.lost.mu.Unlock()
	res.ErrorCount, res.Errors = r.errs.snapshot()
	return res, nil
}

// handle runs on the receiving peer's read goroutine.
func (r *relayRun) handle(p *Peer, m Message) {
	if m.SentAt > 0 && r.phase.Load() == phaseWindow {
		r.latency[p.Index] = append(r.latency[p.Index], monoNow()-m.SentAt)
	}
	<-r.ready // no message comes before the first OFFER, which follows this
	pr := r.pairs[p.Index/2]
	if p.Index%2 == 1 { // the answerer
		if m.Type == TypeOffer {
			r.send(pr.b, pr.a.ID, m.Seq, TypeAnswer)
		}
		return
	}
	pr.mu.Lock()
	defer pr.mu.Unlock()
	if m.Seq != pr.seq || pr.stopped {
		return
	}
	switch m.Type {
	case TypeAnswer:
		pr.answered = true
	case TypeCandidate:
		pr.cands++
	default:
		return
	}
	if !pr.answered || pr.cands < r.cfg.Candidates {
		return
	}
	switch r.phase.Load() {
	case phaseWarmup:
	case phaseWindow:
		r.negotiations.Add(1)
	default:
		pr.stop(&r.active)
		return
	}
	wait := time.Until(pr.began.Add(r.minRound()))
	if wait <= 0 {
		r.startLocked(pr)
		return
	}
	pr.seq++ // no message of the finished negotiation counts any more
	time.AfterFunc(wait, func() {
		pr.mu.Lock()
		defer pr.mu.Unlock()
		if r.phase.Load() >= phaseDrain {
			pr.stop(&r.active)
			return
		}
		r.startLocked(pr)
	})
}

// minRound is the shortest a negotiation may take under PeerRate.
func (r *relayRun) minRound() time.Duration {
	if r.cfg.PeerRate <= 0 {
		return 0
	}
	return time.Duration(float64(r.cfg.Candidates+1) / r.cfg.PeerRate * float64(time.Second))
}

// startLocked begins the pair's next negotiation; pr.mu is held.
func (r *relayRun) startLocked(pr *relayPair) {
	if pr.stopped {
		return
	}
	pr.seq++
	pr.answered, pr.cands = false, 0
	pr.began = time.Now()
	if !r.send(pr.a, pr.b.ID, pr.seq, TypeOffer) {
		pr.stop(&r.active)
	}
}

// send writes one negotiation's description and candidates, all numbered
// with the negotiation's seq.
func (r *relayRun) send(from *Peer, dst string, seq int64, typ string) bool {
	err := sendDescription(from, dst, typ, r.bodies, r.cfg.Candidates, func() int64 { return seq })
	r.errs.add(err)
	return err == nil
}

// closed is a peer's connection ending: during the run that is a failure
// (the server gave up on the peer), and its pair stops.
func (r *relayRun) closed(p *Peer, err error) {
	if r.phase.Load() == phaseClose {
		return
	}
	r.lost.add(p, err, &r.errs)
	select {
	case <-r.ready:
	default:
		return // still connecting: Relay fails on the missing peer
	}
	pr := r.pairs[p.Index/2]
	pr.mu.Lock()
	pr.stop(&r.active)
	pr.mu.Unlock()
}

func errOrEOF(err error) error {
	if err == nil {
		return errors.New("closed")
	}
	return err
}

// sleepCtx sleeps d unless ctx ends first; it reports whether it slept.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func waitGroupTimeout(wg *sync.WaitGroup, d time.Duration) bool {
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
		return true
	case <-time.After(d):
		return false
	}
}

// AtCap reports whether the run relayed (nearly) all the load the peers
// could offer under PeerRate: then the number is the load generator's cap,
// a lower bound of what the server can do, not its limit.
func (r RelayResult) AtCap() bool {
	return r.PeerRate > 0 && r.MessagesPerSec >= 0.95*r.PeerRate*float64(r.Peers)
}
