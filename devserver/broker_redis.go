package devserver

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
)

// redisBroker makes this Server one instance of a realm shared through
// Redis (rtdev serve --cluster). What it keeps there, under the realm's
// prefix (rtdev:PATH:KEY:, see clusterPrefix):
//
//	peer:ID  the claim on ID: "INSTANCE TOKENHASH NONCE", with an expiry
//	         the holding instance renews every third of it
//	wait:ID  the instances holding an offline queue for ID, so that the one
//	         ID connects to asks them for it
//	inst:I   (a pub/sub channel) messages for instance I: cluster_wire.go
//
// A claim is taken, checked and released by Lua scripts, which Redis runs
// atomically: the single-instance pattern of redis.io's distributed-locks
// page (a unique value, NX with an expiry, compare-and-delete), with the
// same-token and override decisions of the single server folded in
// (/work/shared/spec/phone-npm-vite.md section 6). Messages go to the
// holder's channel with PUBLISH, never through keyspace notifications,
// which are off by default and late for expiries.
//
// What stays per instance: the concurrent limit, the rate limits, the byte
// budget, and each instance's offline queues (a message for an id connected
// nowhere waits on the sender's instance, which hands it over when the id
// connects anywhere).
type redisBroker struct {
	s        *Server
	rdb      *redis.Client
	url      string // as logs and errors show it: password redacted
	secret   string // the password, cut out of every error
	prefix   string
	instance string
	ttl      time.Duration
	version  string // the server's, from INFO at start

	psMu   sync.Mutex
	pubsub *redis.PubSub // this instance's channel; replaced by resubscribe

	up                                        atomic.Bool // the last command to Redis succeeded
	forwarded, received, malformed, lostCount atomic.Uint64
	conflicts                                 atomic.Uint64

	scriptsMu sync.Mutex
	scripts   map[*redis.Script]bool // loaded since the last reconnect

	// The outbox: messages for the outbox goroutine, in order.
	outMu   sync.Mutex
	out     []outItem
	outWake chan struct{}

	probe     chan struct{} // wakes the keeper
	ctx       context.Context
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	closeOnce sync.Once
}

// outItem is a message on its way out, or (flushTo set) a request to hand
// the offline queue of dst to instance flushTo.
type outItem struct {
	typ, src, dst string
	payload       []byte // a slice of data, nil when the message has none
	data          []byte // the encoded frame, charged to the byte budget
	flushTo       string
}

func (it *outItem) message() message {
	return message{Type: it.typ, Src: it.src, Dst: it.dst, Payload: it.payload}
}

// Bounds of the broker's work: each Redis round trip, the messages waiting
// for one (beyond it a message is queued here and expires, as while Redis
// is away), one pipeline, and the reconnect backoff.
const (
	clusterOpTimeout  = 2 * time.Second
	clusterOutboxLen  = 8192
	clusterBatch      = 512
	clusterMinBackoff = 100 * time.Millisecond
	clusterMaxBackoff = 2 * time.Second
	clusterScanLimit  = 100_000
	minRedisMajor     = 7 // SET NX GET, PEXPIRE GT and the Lua used here
)

// claimScript takes KEYS[1] (peer:ID) for ARGV[1] with an expiry of ARGV[2]
// ms, and reports how: "new" (it was free), "same" (held with the same token
// hash, ARGV[3]: a reconnect), "override" (held with another token and
// ARGV[4] is 1), or "taken" (left alone). It also hands back, and clears,
// the instances waiting with messages for the id (KEYS[2]).
var claimScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
local how = 'new'
if cur then
  local _, th = string.match(cur, '^(%S+) (%S+) ')
  if th == ARGV[3] then how = 'same'
  elseif ARGV[4] == '1' then how = 'override'
  else return {'taken', cur} end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
local w = redis.call('SMEMBERS', KEYS[2])
redis.call('DEL', KEYS[2])
return {how, cur or '', unpack(w)}
`)

// renewScript extends the claim KEYS[1] if it is still ARGV[1] (1), takes
// it again if it is gone, as after a Redis restart or an outage (2), and
// reports 0 if another instance holds it now: that claim wins.
var renewScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
if cur == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if not cur then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 2 end
return 0
`)

// releaseScript deletes the claim KEYS[1] only if it is still ARGV[1], so a
// late release never frees an id someone else has claimed since.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

// routeScript publishes the envelope ARGV[2] to the channel (ARGV[1] plus
// the holder's instance) of the instance holding KEYS[1], and returns 1 if
// some instance was subscribed. Otherwise the id is connected nowhere that
// listens (or, 2, claimed by this instance, ARGV[3], itself): with ARGV[5]
// = 1 this instance is added to the waiting set KEYS[2] for ARGV[4] ms, in
// the same atomic step, so an id that connects a moment later still finds
// the message.
var routeScript = redis.NewScript(`
local cur = redis.call('GET', KEYS[1])
local r = 0
if cur then
  local inst = string.match(cur, '^(%S+) ')
  if inst == ARGV[3] then r = 2
  elseif redis.call('PUBLISH', ARGV[1] .. inst, ARGV[2]) > 0 then return 1 end
end
if ARGV[5] == '1' then
  redis.call('SADD', KEYS[2], ARGV[3])
  redis.call('PEXPIRE', KEYS[2], ARGV[4])
end
return r
`)

var allScripts = []*redis.Script{claimScript, renewScript, releaseScript, routeScript}

// silenceRedisLog stops go-redis from writing to stderr: devserver never
// prints, and every error it meets is returned or logged through
// Config.Logger already. The logger is process-wide.
var silenceRedisLog sync.Once

type discardRedisLog struct{}

func (discardRedisLog) Printf(context.Context, string, ...any) {}

// newRedisBroker connects to cfg.ClusterURL, checks the server's version,
// subscribes to this instance's channel and starts the broker's goroutines.
func newRedisBroker(s *Server) (*redisBroker, error) {
	cfg := &s.cfg
	silenceRedisLog.Do(func() { redis.SetLogger(discardRedisLog{}) })
	shown, err := redactURL(cfg.ClusterURL)
	if err != nil {
		return nil, err
	}
	opt, err := redis.ParseURL(cfg.ClusterURL)
	if err != nil {
		return nil, &ClusterError{URL: shown, Err: redactErr(err, urlPassword(cfg.ClusterURL))}
	}
	if opt.Password == "" {
		opt.Password = cfg.ClusterPassword
	}
	opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = clusterOpTimeout, clusterOpTimeout, clusterOpTimeout
	// No retries: a retried route script could publish a message twice.
	// The keeper reconnects instead.
	opt.MaxRetries = -1
	opt.DisableIdentity = true // CLIENT SETINFO is Redis 7.2+
	opt.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	b := &redisBroker{
		s:        s,
		rdb:      redis.NewClient(opt),
		url:      shown,
		secret:   opt.Password,
		prefix:   clusterPrefix(cfg.Path, cfg.Key),
		instance: randomHex(8),
		ttl:      cfg.ClusterClaimTTL,
		scripts:  make(map[*redis.Script]bool),
		probe:    make(chan struct{}, 1),
		outWake:  make(chan struct{}, 1),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*clusterOpTimeout)
	defer cancel()
	if err := b.start(ctx); err != nil {
		_ = b.rdb.Close()
		return nil, &ClusterError{URL: shown, Err: b.redact(err)}
	}
	b.ctx, b.cancel = context.WithCancel(context.Background())
	b.up.Store(true)
	s.log.Info("cluster broker connected", "broker", b.url, "instance", b.instance, "redis_version", b.version)
	b.wg.Add(3)
	go b.receiveLoop()
	go b.outboxLoop()
	go b.keeper()
	return b, nil
}

// start checks the server and subscribes; the first Receive confirms the
// subscription, so a message published right after New returns arrives.
func (b *redisBroker) start(ctx context.Context) error {
	info, err := b.rdb.Info(ctx, "server").Result()
	if err != nil {
		return err
	}
	if b.version, err = redisVersion(info); err != nil {
		return err
	}
	if err := b.loadScripts(ctx); err != nil {
		return err
	}
	b.pubsub = b.rdb.Subscribe(ctx, b.channel(b.instance))
	if _, err := b.pubsub.Receive(ctx); err != nil {
		_ = b.pubsub.Close()
		return err
	}
	return nil
}

// ClusterError is a failure to reach or use the cluster broker at start.
// URL has the password redacted, and so has Err.
type ClusterError struct {
	URL string
	Err error
}

func (e *ClusterError) Error() string { return "cluster broker " + e.URL + ": " + e.Err.Error() }
func (e *ClusterError) Unwrap() error { return e.Err }

func (b *redisBroker) channel(instance string) string { return b.prefix + "inst:" + instance }
func (b *redisBroker) peerKey(id string) string       { return b.prefix + "peer:" + id }
func (b *redisBroker) waitKey(id string) string       { return b.prefix + "wait:" + id }

// newClaim is the claim value for a connection of id with token. The token
// is hashed with the realm and the id, so Redis, which others can read,
// never holds a token, and the same token still matches on any instance.
func (b *redisBroker) newClaim(id, token string) string {
	h := sha256.Sum256([]byte(b.prefix + "\x00" + id + "\x00" + token))
	return b.instance + " " + hex.EncodeToString(h[:16]) + " " + randomHex(6)
}

// claimInstance is the instance part of a claim value.
func claimInstance(claim string) string {
	inst, _, _ := strings.Cut(claim, " ")
	return inst
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

func (b *redisBroker) admit(c *client) (outcome, *client) {
	s := b.s
	limit := s.cfg.ConcurrentLimit
	c.claim = b.newClaim(c.id, c.token)
	if !b.up.Load() {
		// Redis is away: admit as a single server would; the keeper
		// claims the id when Redis is back and settles a conflict then.
		return s.realm.admit(c, limit, s.cfg.AllowOverride)
	}
	if s.realm.full(c.id, limit) {
		// Refused before claiming, so a refusal never takes an id away
		// from its holder elsewhere.
		return rejectLimit, nil
	}
	ctx, cancel := context.WithTimeout(b.ctx, clusterOpTimeout)
	defer cancel()
	res, err := b.run(ctx, claimScript, []string{b.peerKey(c.id), b.waitKey(c.id)},
		c.claim, b.ttl.Milliseconds(), strings.Fields(c.claim)[1], flag(s.cfg.AllowOverride)).StringSlice()
	if err == nil && len(res) < 2 {
		err = errors.New("unexpected reply to the claim script")
	}
	if err != nil {
		b.lost(err)
		return s.realm.admit(c, limit, s.cfg.AllowOverride)
	}
	how, prev, waiting := res[0], res[1], res[2:]
	if how == "taken" {
		return rejectTaken, nil
	}
	// Redis has decided: whatever holds the id here gives way.
	o, old := s.realm.admit(c, limit, true)
	if o == rejectLimit {
		b.releaseClaim(c)
		return o, nil
	}
	if inst := claimInstance(prev); prev != "" && inst != b.instance {
		b.publish(ctx, inst, &envelope{kind: envKick, id: c.id, claim: prev, sameToken: how == "same"})
		if how == "same" {
			o = admitReattach
		} else {
			o = admitOverride
		}
	}
	for _, inst := range waiting {
		if inst != b.instance {
			b.publish(ctx, inst, &envelope{kind: envFlush, id: c.id})
		}
	}
	return o, old
}

// full reports whether admitting a new id would pass limit.
func (r *realm) full(id string, limit int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.peers[id] == nil && len(r.peers) >= limit
}

func (b *redisBroker) release(c *client) {
	if c.claim != "" && b.up.Load() {
		b.releaseClaim(c)
	}
}

func (b *redisBroker) releaseClaim(c *client) {
	ctx, cancel := context.WithTimeout(b.ctx, clusterOpTimeout)
	defer cancel()
	if err := b.run(ctx, releaseScript, []string{b.peerKey(c.id)}, c.claim).Err(); err != nil {
		b.lost(err)
	}
}

func (b *redisBroker) publish(ctx context.Context, inst string, e *envelope) {
	e.from = b.instance
	if err := b.rdb.Publish(ctx, b.channel(inst), e.appendTo(nil)).Err(); err != nil {
		b.lost(err)
	}
}

func (b *redisBroker) forward(m message, data []byte) bool {
	s := b.s
	if !b.up.Load() || !s.budget.charge(data) {
		return false
	}
	it := outItem{typ: m.Type, src: m.Src, dst: m.Dst, data: data}
	if m.Payload != nil {
		// m.Payload is in the inbound frame, which is reused once the
		// relay returns; data ends with the same bytes and a '}'.
		it.payload = data[len(data)-1-len(m.Payload) : len(data)-1]
	}
	if !b.push(it) {
		s.budget.used.Add(-int64(cap(data)))
		return false
	}
	return true
}

// push adds it to the outbox; false if the outbox is full. It may be
// called with realm.mu held: outMu is always taken after it.
func (b *redisBroker) push(it outItem) bool {
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
func (b *redisBroker) outboxLoop() {
	defer b.wg.Done()
	for {
		select {
		case <-b.ctx.Done():
			b.outMu.Lock()
			for _, it := range b.out {
				b.s.budget.release(it.data)
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
func (b *redisBroker) sendBatch(batch []outItem, retry bool) {
	s := b.s
	type routed struct {
		it  *outItem
		cmd *redis.Cmd
	}
	var cmds []routed
	var flushed [][]byte
	ctx, cancel := context.WithTimeout(b.ctx, clusterOpTimeout)
	defer cancel()
	pipe := b.rdb.Pipeline()
	waitMs := (s.cfg.ExpireTimeout + clusterOpTimeout).Milliseconds()
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
		if s.queueBehind(it) {
			continue
		}
		e := envelope{kind: envRelay, from: b.instance, id: it.dst, src: it.src, typ: it.typ, payload: it.payload}
		queue := it.typ != typeLeave && it.typ != typeExpire
		cmd := routeScript.EvalSha(ctx, pipe, []string{b.peerKey(it.dst), b.waitKey(it.dst)},
			b.prefix+"inst:", e.appendTo(nil), b.instance, waitMs, flag(queue))
		cmds = append(cmds, routed{it, cmd})
	}
	if pipe.Len() > 0 {
		_, _ = pipe.Exec(ctx) // each command's error is read below
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
			s.budget.release(r.it.data)
		default:
			b.settle(r.it)
		}
	}
	for _, f := range flushed {
		s.budget.release(f)
	}
	if len(again) > 0 {
		// Redis restarted between two checks and forgot the scripts.
		b.forgetScripts()
		if err := b.loadScripts(ctx); err != nil {
			b.lost(err)
		}
		b.sendBatch(again, false)
	}
}

// queueBehind puts it in dst's offline queue here if there is one: while
// it waits to be handed over, later messages must not overtake it.
func (s *Server) queueBehind(it *outItem) bool {
	r := &s.realm
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.queues[it.dst] == nil || r.peers[it.dst] != nil {
		return false
	}
	s.queueHereLocked(it)
	return true
}

// settle places a message Redis did not deliver: to dst if it connected
// here meanwhile, else in its offline queue here (LEAVE and EXPIRE are
// dropped, as for any offline peer).
func (b *redisBroker) settle(it *outItem) {
	s := b.s
	r := &s.realm
	r.mu.Lock()
	if r.peers[it.dst] == nil {
		s.queueHereLocked(it)
		r.mu.Unlock()
		return
	}
	r.mu.Unlock()
	s.transmit(it.message(), nil)
	s.budget.release(it.data)
}

// queueHereLocked moves it into dst's offline queue here. The caller holds
// realm.mu.
func (s *Server) queueHereLocked(it *outItem) {
	if it.typ == typeLeave || it.typ == typeExpire {
		s.budget.release(it.data)
		return
	}
	s.budget.used.Add(-int64(cap(it.data))) // queueOffline charges it again
	s.queueOffline(it.dst, it.src, it.data)
}

// flushTo hands id's offline queue here to instance inst, where id has
// connected, in order. It returns the frames, still charged, for the
// caller to release once the pipeline has run.
func (b *redisBroker) flushTo(ctx context.Context, pipe redis.Pipeliner, id, inst string) [][]byte {
	r := &b.s.realm
	r.mu.Lock()
	var frames [][]byte
	if r.peers[id] == nil {
		frames = r.takeQueue(id)
	}
	r.mu.Unlock()
	for _, f := range frames {
		m, ok := relayedFrame(f)
		if !ok {
			continue
		}
		e := envelope{kind: envRelay, from: b.instance, id: id, src: m.Src, typ: m.Type, payload: m.Payload}
		pipe.Publish(ctx, b.channel(inst), e.appendTo(nil))
		b.forwarded.Add(1)
	}
	return frames
}

// relayedFrame reads back a frame message.encode wrote for the offline
// queue: decode reads type, dst and payload, and src follows type.
func relayedFrame(f []byte) (message, bool) {
	m, err := decode(f)
	if err != nil {
		return m, false
	}
	rest, ok := bytesCutPrefix(f, `{"type":`)
	if !ok {
		return m, false
	}
	s := jsonScanner{data: rest}
	if _, _, err := s.str(); err != nil {
		return m, false
	}
	rest, ok = bytesCutPrefix(rest[s.i:], `,"src":`)
	if !ok {
		return m, false
	}
	s = jsonScanner{data: rest}
	raw, escaped, err := s.str()
	if err != nil {
		return m, false
	}
	m.Src = unquote(raw, escaped)
	return m, true
}

func bytesCutPrefix(b []byte, prefix string) ([]byte, bool) {
	if len(b) < len(prefix) || string(b[:len(prefix)]) != prefix {
		return nil, false
	}
	return b[len(prefix):], true
}

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

// run runs script by its hash, loading it first after a (re)connect.
func (b *redisBroker) run(ctx context.Context, script *redis.Script, keys []string, args ...any) *redis.Cmd {
	if err := b.loadScripts(ctx); err != nil {
		cmd := redis.NewCmd(ctx)
		cmd.SetErr(err)
		return cmd
	}
	cmd := script.EvalSha(ctx, b.rdb, keys, args...)
	if isNoScript(cmd.Err()) {
		b.forgetScripts()
		return script.Eval(ctx, b.rdb, keys, args...)
	}
	return cmd
}

func (b *redisBroker) loadScripts(ctx context.Context) error {
	b.scriptsMu.Lock()
	defer b.scriptsMu.Unlock()
	for _, sc := range allScripts {
		if b.scripts[sc] {
			continue
		}
		if err := sc.Load(ctx, b.rdb).Err(); err != nil {
			return err
		}
		b.scripts[sc] = true
	}
	return nil
}

func (b *redisBroker) forgetScripts() {
	b.scriptsMu.Lock()
	clear(b.scripts)
	b.scriptsMu.Unlock()
}

func isNoScript(err error) bool { return err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") }

func (b *redisBroker) inUse(id string) bool {
	if b.s.realm.has(id) {
		return true
	}
	if !b.up.Load() {
		return false
	}
	ctx, cancel := context.WithTimeout(b.ctx, clusterOpTimeout)
	defer cancel()
	n, err := b.rdb.Exists(ctx, b.peerKey(id)).Result()
	if err != nil {
		b.lost(err)
		return false
	}
	return n > 0
}

// ids lists the claims in Redis, with the peers here that Redis may not
// know yet (admitted while it was away).
func (b *redisBroker) ids() []string {
	ids := b.s.realm.ids()
	if !b.up.Load() {
		return ids
	}
	ctx, cancel := context.WithTimeout(b.ctx, clusterOpTimeout)
	defer cancel()
	prefix := b.peerKey("")
	iter := b.rdb.Scan(ctx, 0, globEscape(prefix)+"*", 1000).Iterator()
	for iter.Next(ctx) && len(ids) < clusterScanLimit {
		ids = append(ids, strings.TrimPrefix(iter.Val(), prefix))
	}
	if err := iter.Err(); err != nil {
		b.lost(err)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

func (b *redisBroker) health() *ClusterHealth {
	r := &b.s.realm
	r.mu.Lock()
	here := len(r.peers)
	r.mu.Unlock()
	return &ClusterHealth{
		Broker:    b.url,
		Reachable: b.up.Load(),
		Instance:  b.instance,
		PeersHere: here,
		ClaimTTL:  b.ttl.String(),
		Forwarded: b.forwarded.Load(),
		Received:  b.received.Load(),
		Malformed: b.malformed.Load(),
		Lost:      b.lostCount.Load(),
		Conflicts: b.conflicts.Load(),
	}
}

func (b *redisBroker) close() {
	b.closeOnce.Do(func() {
		b.cancel()
		_ = b.subscription().Close()
		b.wg.Wait()
		_ = b.rdb.Close()
	})
}

// redact cuts the password out of err's text.
func (b *redisBroker) redact(err error) error { return redactErr(err, b.secret) }

// redisVersion reads redis_version from an INFO server reply and refuses
// one before 7.0. Valkey reports the Redis version it is compatible with
// there (7.2.4 for Valkey 8), so it passes as well.
func redisVersion(info string) (string, error) {
	var v string
	for line := range strings.Lines(info) {
		if s, ok := strings.CutPrefix(strings.TrimSpace(line), "redis_version:"); ok {
			v = s
		}
	}
	major, _, _ := strings.Cut(v, ".")
	if n, err := strconv.Atoi(major); err != nil || n < minRedisMajor {
		return v, fmt.Errorf("the server reports Redis version %s; rtdev needs Redis 7.0 or newer (or Valkey)", logValue(v))
	}
	return v, nil
}
