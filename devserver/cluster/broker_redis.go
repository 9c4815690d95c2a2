package cluster

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"

	"github.com/rtdev/rtdev/internal/textsafe"
)

// Broker makes a signaling server one instance of a realm shared through
// Redis (rtdev serve --cluster). What it keeps there, under the realm's
// prefix (rtdev:PATH:KEY:, see clusterPrefix):
//
//	peer:ID  the claim on ID (see claimSep), with an expiry
//	         the holding instance renews every third of it
//	wait:ID  the instances holding an offline queue for ID, so that the one
//	         ID connects to asks them for it
//	inst:I   (a pub/sub channel) messages for instance I: wire.go
//
// A claim is taken, checked and released by Lua scripts, which Redis runs
// atomically: the single-instance pattern of redis.io's distributed-locks
// page (a unique value, NX with an expiry, compare-and-delete), with the
// single server's admission folded in: a connection with the holder's
// token takes the id back (a reload), one with another token takes it only
// under AllowOverride, and either way on any instance. Messages go to the
// holder's channel with PUBLISH, never through keyspace notifications,
// which are off by default and late for expiries.
//
// What stays per instance: the concurrent limit, the rate limits, the byte
// budget, and each instance's offline queues (a message for an id connected
// nowhere waits on the sender's instance, which hands it over when the id
// connects anywhere).
//
// Here: connecting, admission and release. Routing through the outbox is
// in route.go, the subscriber in receive.go, renewal and reconnects in
// keeper.go, the envelope in wire.go, bounding replies in replylimit.go,
// and surviving a reply that crashes the client in crash.go.
type Broker struct {
	h        Handler // this instance's realm
	log      *slog.Logger
	expire   time.Duration                // Options.ExpireTimeout
	rdb      atomic.Pointer[redis.Client] // use through do; replaced after a crash
	opt      redis.Options                // each new client's
	resetMu  sync.Mutex                   // replacing or closing rdb
	url      string                       // as logs and errors show it: password redacted
	secret   string                       // the password, cut out of every error
	prefix   string
	instance string
	ttl      time.Duration
	version  string // the server's, from INFO at start

	psMu     sync.Mutex
	pubsub   *redis.PubSub // this instance's channel; nil once dropped
	psClient *redis.Client // the client pubsub belongs to

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
var claimScript = redis.NewScript(luaClaimFields + `
local cur = redis.call('GET', KEYS[1])
local how = 'new'
if cur then
  local _, th = claim_fields(cur)
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

// routeScript publishes the envelope ARGV[2] to the channel of the instance
// holding KEYS[1] (ARGV[1], which is channel(""), followed by the holder's
// instance, as channel builds it), and returns 1 if
// some instance was subscribed. Otherwise the id is connected nowhere that
// listens (or, 2, claimed by this instance, ARGV[3], itself): with ARGV[5]
// = 1 this instance is added to the waiting set KEYS[2] for ARGV[4] ms, in
// the same atomic step, so an id that connects a moment later still finds
// the message.
var routeScript = redis.NewScript(luaClaimFields + `
local cur = redis.call('GET', KEYS[1])
local r = 0
if cur then
  local inst = claim_fields(cur)
  if inst == ARGV[3] then r = 2
  elseif inst and redis.call('PUBLISH', ARGV[1] .. inst, ARGV[2]) > 0 then return 1 end
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
// Options.Logger already. The logger is process-wide.
var silenceRedisLog sync.Once

type discardRedisLog struct{}

func (discardRedisLog) Printf(context.Context, string, ...any) {}

// Options configure a Broker; every field is required but the password.
type Options struct {
	URL      string // redis:// or rediss://, as CheckURL accepts it
	Password string // used when URL has none
	// Path and Key name the realm: instances with the same on the same
	// Redis database are one.
	Path, Key string
	// ClaimTTL is how long a claim lasts unless renewed.
	ClaimTTL time.Duration
	// ExpireTimeout is how long a message waits for its destination.
	ExpireTimeout time.Duration
	Logger        *slog.Logger
	// UnboundedReplies lets Redis replies of any size through to go-redis
	// (replylimit.go bounds them otherwise). Only the test of a reply that
	// crashes go-redis sets it, since the bound would refuse that reply
	// before the crash it tests.
	UnboundedReplies bool
}

// New connects to opt.URL, checks the server's version, subscribes to
// this instance's channel and starts the broker's goroutines; h is the
// realm of this instance. It fails with an *Error, which never shows the
// password.
func New(o Options, h Handler) (*Broker, error) {
	cfg := &o
	silenceRedisLog.Do(func() { redis.SetLogger(discardRedisLog{}) })
	shown, err := redactURL(cfg.URL)
	if err != nil {
		return nil, err
	}
	opt, err := redis.ParseURL(cfg.URL)
	if err != nil {
		return nil, &Error{URL: shown, Err: redactErr(err, urlSecrets(cfg.URL)...)}
	}
	if opt.Password == "" {
		opt.Password = cfg.Password
	}
	opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = clusterOpTimeout, clusterOpTimeout, clusterOpTimeout
	// No retries: a retried route script could publish a message twice.
	// The keeper reconnects instead.
	opt.MaxRetries = -1
	opt.DisableIdentity = true // CLIENT SETINFO is Redis 7.2+
	opt.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	if !cfg.UnboundedReplies {
		opt.Dialer = replyLimitDialer(redis.NewDialer(opt))
	}
	b := &Broker{
		h:        h,
		log:      cfg.Logger,
		expire:   cfg.ExpireTimeout,
		opt:      *opt,
		url:      shown,
		secret:   opt.Password,
		prefix:   clusterPrefix(cfg.Path, cfg.Key),
		instance: randomHex(8),
		ttl:      cfg.ClaimTTL,
		scripts:  make(map[*redis.Script]bool),
		probe:    make(chan struct{}, 1),
		outWake:  make(chan struct{}, 1),
	}
	b.rdb.Store(b.newClient())
	ctx, cancel := context.WithTimeout(context.Background(), 2*clusterOpTimeout)
	defer cancel()
	if err := b.start(ctx); err != nil {
		b.dropSubscription()
		_ = b.rdb.Load().Close()
		return nil, &Error{URL: shown, Err: b.redact(err)}
	}
	b.ctx, b.cancel = context.WithCancel(context.Background())
	b.up.Store(true)
	b.log.Info("cluster broker connected", "broker", b.url, "instance", b.instance, "redis_version", b.version)
	b.wg.Add(3)
	go b.receiveLoop()
	go b.outboxLoop()
	go b.keeper()
	return b, nil
}

// start checks the server and subscribes; the first Receive confirms the
// subscription, so a message published right after New returns arrives.
func (b *Broker) start(ctx context.Context) error {
	return b.do(func(rdb *redis.Client) error {
		info, err := rdb.Info(ctx, "server").Result()
		if err != nil {
			return err
		}
		if b.version, err = redisVersion(info); err != nil {
			return err
		}
		if err := b.loadScripts(ctx, rdb); err != nil {
			return err
		}
		ps := rdb.Subscribe(ctx, b.channel(b.instance))
		b.psMu.Lock()
		b.pubsub, b.psClient = ps, rdb // New closes it if start fails
		b.psMu.Unlock()
		_, err = ps.Receive(ctx)
		return err
	})
}

// Error is a failure to reach or use the cluster broker at start.
// URL has the password redacted, and so has Err.
type Error struct {
	URL string
	Err error
}

func (e *Error) Error() string { return "cluster broker " + e.URL + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// channel is the pub/sub channel of instance; the route script appends an
// instance to channel("") to the same effect.
func (b *Broker) channel(instance string) string { return b.prefix + "inst:" + instance }
func (b *Broker) peerKey(id string) string       { return b.prefix + "peer:" + id }
func (b *Broker) waitKey(id string) string       { return b.prefix + "wait:" + id }

// A claim, the value of peer:ID, is three fields joined by claimSep: the
// holding instance, the hash of the connection's token, and a nonce that
// makes each connection's claim its own. newClaim writes
// it; claimFields reads it in Go and luaClaimFields, built from the same
// separator, in the scripts. No field can hold the separator: all three
// are hex.
const claimSep = " "

// newClaim is the claim value for a connection of id with token. The token
// is hashed with the realm and the id, so Redis, which others can read,
// never holds a token, and the same token still matches on any instance.
func (b *Broker) newClaim(id, token string) string {
	h := sha256.Sum256([]byte(b.prefix + "\x00" + id + "\x00" + token))
	return b.instance + claimSep + hex.EncodeToString(h[:16]) + claimSep + randomHex(6)
}

// claimFields returns the instance and the token hash of a claim.
func claimFields(claim string) (instance, tokenHash string) {
	instance, rest, _ := strings.Cut(claim, claimSep)
	tokenHash, _, _ = strings.Cut(rest, claimSep)
	return instance, tokenHash
}

// luaClaimFields defines claim_fields(v) for the scripts that read a claim:
// its instance and token hash, as claimFields returns them, or nil for a
// value that is not a claim.
const luaClaimFields = `local function claim_fields(v)
  return string.match(v, '^([^` + claimSep + `]+)` + claimSep + `([^` + claimSep + `]+)` + claimSep + `')
end
`

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (Go 1.24+)
	return hex.EncodeToString(b)
}

// Admit claims id for a connection with token, and registers it here with
// local once the cluster has decided: local records the claim on the
// connection and registers it, taking the id from a connection here if
// override is set, and reports whether the realm took it. With Redis
// away, local decides alone (with allowOverride), and the keeper claims
// the id when Redis is back and settles a conflict then.
func (b *Broker) Admit(id, token string, allowOverride bool, local func(claim string, override bool) bool) Admission {
	claim := b.newClaim(id, token)
	if !b.up.Load() {
		local(claim, allowOverride)
		return AdmittedHere
	}
	if b.h.Full(id) {
		// Refused before claiming, so a refusal never takes an id away
		// from its holder elsewhere.
		return RefusedFull
	}
	ctx, cancel := context.WithTimeout(b.ctx, clusterOpTimeout)
	defer cancel()
	_, tokenHash := claimFields(claim)
	res, err := b.run(ctx, claimScript, []string{b.peerKey(id), b.waitKey(id)},
		claim, b.ttl.Milliseconds(), tokenHash, flag(allowOverride)).StringSlice()
	if err == nil && len(res) < 2 {
		err = errors.New("unexpected reply to the claim script")
	}
	if err != nil {
		b.lost(err)
		local(claim, allowOverride)
		return AdmittedHere
	}
	how, prev, waiting := res[0], res[1], res[2:]
	if how == "taken" {
		return RefusedTaken
	}
	// Redis has decided: whatever holds the id here gives way.
	if !local(claim, true) {
		b.releaseClaim(id, claim)
		return AdmittedHere
	}
	o := AdmittedHere
	if inst, _ := claimFields(prev); prev != "" && inst != b.instance {
		b.publish(ctx, inst, &envelope{kind: envKick, id: id, claim: prev, sameToken: how == "same"})
		if how == "same" {
			o = TookBack
		} else {
			o = TookOver
		}
	}
	for _, inst := range waiting {
		if inst != b.instance {
			b.publish(ctx, inst, &envelope{kind: envFlush, id: id})
		}
	}
	return o
}

// Release gives up claim on id once its connection has ended.
func (b *Broker) Release(id, claim string) {
	if claim != "" && b.up.Load() {
		b.releaseClaim(id, claim)
	}
}

func (b *Broker) releaseClaim(id, claim string) {
	ctx, cancel := context.WithTimeout(b.ctx, clusterOpTimeout)
	defer cancel()
	if err := b.run(ctx, releaseScript, []string{b.peerKey(id)}, claim).Err(); err != nil {
		b.lost(err)
	}
}

// Reachable reports whether the last command to Redis succeeded.
func (b *Broker) Reachable() bool { return b.up.Load() }

func (b *Broker) publish(ctx context.Context, inst string, e *envelope) {
	e.from = b.instance
	if err := b.do(func(rdb *redis.Client) error {
		return rdb.Publish(ctx, b.channel(inst), e.appendTo(nil)).Err()
	}); err != nil {
		b.lost(err)
	}
}

// run runs script by its hash, loading it first after a (re)connect.
func (b *Broker) run(ctx context.Context, script *redis.Script, keys []string, args ...any) *redis.Cmd {
	var cmd *redis.Cmd
	err := b.do(func(rdb *redis.Client) error {
		if err := b.loadScripts(ctx, rdb); err != nil {
			return err
		}
		cmd = script.EvalSha(ctx, rdb, keys, args...)
		if isNoScript(cmd.Err()) {
			b.forgetScripts()
			cmd = script.Eval(ctx, rdb, keys, args...)
		}
		return cmd.Err()
	})
	if err != nil {
		cmd = redis.NewCmd(ctx)
		cmd.SetErr(err)
	}
	return cmd
}

// loadScripts loads the scripts not loaded since the last reconnect; the
// caller is inside do.
func (b *Broker) loadScripts(ctx context.Context, rdb *redis.Client) error {
	b.scriptsMu.Lock()
	defer b.scriptsMu.Unlock()
	for _, sc := range allScripts {
		if b.scripts[sc] {
			continue
		}
		if err := sc.Load(ctx, rdb).Err(); err != nil {
			return err
		}
		b.scripts[sc] = true
	}
	return nil
}

// reloadScripts loads every script again: Redis has lost them (a restart)
// or may have.
func (b *Broker) reloadScripts(ctx context.Context) error {
	return b.do(func(rdb *redis.Client) error {
		b.forgetScripts()
		return b.loadScripts(ctx, rdb)
	})
}

func (b *Broker) forgetScripts() {
	b.scriptsMu.Lock()
	clear(b.scripts)
	b.scriptsMu.Unlock()
}

func isNoScript(err error) bool { return err != nil && redis.HasErrorPrefix(err, "NOSCRIPT") }

// InUse reports whether id is connected here or claimed in Redis.
func (b *Broker) InUse(id string) bool {
	if b.h.Connected(id) {
		return true
	}
	if !b.up.Load() {
		return false
	}
	ctx, cancel := context.WithTimeout(b.ctx, clusterOpTimeout)
	defer cancel()
	var n int64
	err := b.do(func(rdb *redis.Client) (err error) {
		n, err = rdb.Exists(ctx, b.peerKey(id)).Result()
		return err
	})
	if err != nil {
		b.lost(err)
		return false
	}
	return n > 0
}

// IDs lists the claims in Redis, with the peers here that Redis may not
// know yet (admitted while it was away).
func (b *Broker) IDs() []string {
	ids := b.h.IDs()
	if !b.up.Load() {
		return ids
	}
	ctx, cancel := context.WithTimeout(b.ctx, clusterOpTimeout)
	defer cancel()
	prefix := b.peerKey("")
	if err := b.do(func(rdb *redis.Client) error {
		iter := rdb.Scan(ctx, 0, globEscape(prefix)+"*", 1000).Iterator()
		for iter.Next(ctx) && len(ids) < clusterScanLimit {
			ids = append(ids, strings.TrimPrefix(iter.Val(), prefix))
		}
		return iter.Err()
	}); err != nil {
		b.lost(err)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// Health reports the broker's state and counters.
func (b *Broker) Health() *Health {
	return &Health{
		Broker:    b.url,
		Reachable: b.up.Load(),
		Instance:  b.instance,
		PeersHere: b.h.Count(),
		ClaimTTL:  b.ttl.String(),
		Forwarded: b.forwarded.Load(),
		Received:  b.received.Load(),
		Malformed: b.malformed.Load(),
		Lost:      b.lostCount.Load(),
		Conflicts: b.conflicts.Load(),
	}
}

// Close stops the broker's goroutines and closes its connections, once
// every session has ended.
func (b *Broker) Close() {
	b.closeOnce.Do(func() {
		b.cancel()
		b.dropSubscription()
		b.wg.Wait()
		b.resetMu.Lock()
		_ = b.rdb.Load().Close()
		b.resetMu.Unlock()
	})
}

// redact cuts the password out of err's text.
func (b *Broker) redact(err error) error { return redactErr(err, b.secret) }

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
		return v, fmt.Errorf("the server reports Redis version %s; rtdev needs Redis 7.0 or newer (or Valkey)", textsafe.Terminal(v))
	}
	return v, nil
}
