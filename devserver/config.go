package devserver

import (
	"fmt"
	"github.com/rtdev/rtdev/project"
	"log/slog"
	"math"
	"strings"
	"time"

	"github.com/rtdev/rtdev/devserver/cluster"
)

// Config configures a Server. The zero value of every field means its
// default; defaults follow the peerjs CLI (peers/peerjs-server bin/peerjs.ts)
// where one exists, and are chosen for a developer machine otherwise.
type Config struct {
	// AppAtRoot says the extra handler given to Serve serves the app's
	// page at / (rtdev serve --static with the default path /): a browser
	// opening / gets it instead of the info JSON. PeerJS clients never
	// fetch /, so they are unaffected; other requests to / keep the JSON.
	AppAtRoot bool

	// PlainHTTP, when set, is what a plain-HTTP request on the TLS port
	// gets: its few public paths served, anything else a 400 naming the
	// https:// URL. nil keeps the text answer for every such request.
	PlainHTTP *PlainHTTP

	// Path is where the PeerJS routes live (the client's `path` option). It
	// is normalised to start and end with "/": "myapp" serves /myapp/ and
	// the WebSocket at /myapp/peerjs. Default "/".
	Path string

	// Key is the key WebSocket clients must send (the client's `key`
	// option). As upstream, it is checked on the WebSocket only; the HTTP
	// routes accept any key segment. Default "peerjs".
	Key string

	// ExpireTimeout is how long messages for an offline peer are kept,
	// counted from when that peer's queue was created (upstream measures it
	// the same way, so a queue expires as a whole). When it runs out, each
	// sender gets one EXPIRE. Default 5s (peerjs CLI --expire_timeout).
	ExpireTimeout time.Duration

	// AliveTimeout is how long a peer may go without a HEARTBEAT before its
	// socket is closed and its id freed. Default 60s: the peerjs CLI value;
	// the peerjs-server library uses 90s (peers/peerjs-server#431).
	AliveTimeout time.Duration

	// ConcurrentLimit caps registered ids; a new id beyond it gets the
	// upstream "concurrent user limit" ERROR. Default 5000.
	ConcurrentLimit int

	// AllowDiscovery turns on GET {path}{key}/peers. Default false (401).
	AllowDiscovery bool

	// AllowOverride lets a connection with a taken id and a different token
	// take the id over instead of getting ID-TAKEN (the allow_override_connect
	// request, peers/peerjs#1203). Default false.
	AllowOverride bool

	// CORSOrigins lists the origins allowed to read the HTTP routes. nil
	// reflects any Origin, as peerjs-server does by default; a list sets
	// Access-Control-Allow-Origin only on an exact match (peerjs --cors).
	CORSOrigins []string

	// MaxMessageBytes is the largest inbound WebSocket message; a larger one
	// closes the socket with 1009. Default 64 KiB, ample for SDP offers.
	MaxMessageBytes int64

	// SendQueueLen bounds the messages waiting to be written to one peer. A
	// peer that falls this far behind is evicted (closed, id freed) so it
	// cannot hold memory or slow its senders. Default 256.
	SendQueueLen int

	// OfflineQueueLen bounds the messages kept for one offline destination;
	// further ones are dropped (counted in Stats.OfflineDropped) and their
	// senders still get EXPIRE. Default 256 (upstream has no bound).
	OfflineQueueLen int

	// MaxQueuedBytes is the server-wide budget for messages waiting in the
	// send and offline queues together, counted by the buffers that hold
	// them (a short message takes a 1 KiB one). The counts above bound
	// messages, not bytes: within its message rate one connection could
	// park over 40 MiB of 64 KiB messages for ExpireTimeout, 5000 of them
	// about 200 GiB. A message that does not fit is dropped (counted in
	// Stats.BudgetDropped) and its sender gets EXPIRE, as for a full
	// offline queue. Default 64 MiB.
	MaxQueuedBytes int64

	// MessagesPerSecond and Burst are the per-connection token bucket for
	// inbound messages (HEARTBEAT included); a connection that empties it is
	// closed with 1008. Defaults 100 and 200: a peerjs client sends one
	// HEARTBEAT every 5s and a burst of candidates when a call starts.
	// A negative MessagesPerSecond (NoRateLimit) turns the limit off, for
	// load tests and trusted clients; Burst is then unused. Zero, as for
	// every field, means the default.
	MessagesPerSecond float64
	Burst             int

	// BytesPerSecond is the per-connection limit on inbound bytes, beside
	// the message rate; its bucket holds one second's worth or one
	// MaxMessageBytes message, whichever is more. A connection that exceeds
	// it is closed with 1008. Default 1 MiB/s: ample for signaling (an
	// OFFER is a few KiB), and one connection then fills at most about
	// 6 MiB of offline queues in the default ExpireTimeout, a tenth of the
	// default MaxQueuedBytes. NoRateLimit turns it off.
	BytesPerSecond float64

	// HandshakeTimeout bounds the TLS handshake, the HTTP request headers
	// and the WebSocket upgrade. Default 10s.
	HandshakeTimeout time.Duration

	// IdleReadTimeout closes a WebSocket that sends no frame at all for this
	// long (up to a sixteenth more: the deadline is moved in steps), which
	// catches dead TCP connections below the PeerJS heartbeat. Default
	// AliveTimeout + 30s, so the HEARTBEAT check normally acts first.
	IdleReadTimeout time.Duration

	// WriteTimeout bounds each write to a peer (and the wait for its close
	// reply); a peer that does not read within it is evicted. Default 10s.
	WriteTimeout time.Duration

	// MaxIDLen and MaxTokenLen bound the id and token query parameters, in
	// bytes. Defaults 128 each (a generated id is 36, a peerjs token ~11).
	MaxIDLen    int
	MaxTokenLen int

	// ShutdownTimeout bounds how long Serve waits for peers to answer the
	// close frame on shutdown before it drops their connections. Default 5s.
	ShutdownTimeout time.Duration

	// ForwardToken, when set, is a secret shared with the one reverse proxy
	// in front of the server (rtdev serve reads it from RTDEV_FORWARD_TOKEN,
	// which the Vite plugin sets). Only a request that carries it in
	// ForwardTokenHeader has its X-Forwarded-For and X-Forwarded-Host
	// believed (ClientAddr, ClientHost); on any other request they are
	// ignored, since anyone who reaches the port can send them. The header
	// is removed before any handler sees the request and is never logged.
	// At least 16 printable ASCII characters. Default "": forwarded headers
	// are never believed.
	ForwardToken string

	// unboundedReplies lets Redis replies of any size through to go-redis
	// (cluster.Options.UnboundedReplies). Only the test of a reply that
	// crashes go-redis sets it, since the bound would refuse that reply
	// before the crash it tests.
	unboundedReplies bool

	// Logger receives one line per connection and per error, with the peer
	// id and never the token. Default: discard.
	Logger *slog.Logger

	// ClusterURL makes this Server one instance of a realm shared through
	// Redis 7.0 or newer (or a compatible server such as Valkey):
	// redis://HOST:PORT/DB or rediss://HOST:PORT/DB for TLS. Every instance
	// with the same Path and Key on the same Redis database is one realm:
	// an id is held by one connection in all of them, messages reach a
	// peer on any instance, and /id and /peers answer for the whole realm.
	// The concurrent limit, the rate limits, MaxQueuedBytes and the
	// offline queues stay per instance. New fails with a *ConfigError for
	// a URL the Redis client does not take (an unknown query option), and
	// connects and fails with a *ClusterError if Redis is unreachable or
	// too old; Shutdown (which
	// Serve calls) stops the broker's goroutines. Default "": a single
	// server, which never talks to Redis.
	ClusterURL string

	// ClusterPassword is the Redis password when ClusterURL has none
	// (rtdev serve reads REDIS_PASSWORD). Logs, errors and Health never
	// show it.
	ClusterPassword string

	// ClusterClaimTTL is how long an instance's claim on an id lasts in
	// Redis unless renewed; the instance renews it every third of this
	// while the peer is connected. It bounds how long an id stays taken
	// after its instance dies (SIGKILL, power loss). Default 15s; at least
	// 300ms.
	ClusterClaimTTL time.Duration

	// GenerateID makes the ids handed out by GET {path}{key}/id; it is called
	// again while the result is connected. Default: a random UUID v4, as
	// upstream's crypto.randomUUID().
	GenerateID func() string
}

// Defaults applied by New.
const (
	DefaultPath              = project.DefaultServePath
	DefaultKey               = project.DefaultServeKey
	DefaultExpireTimeout     = project.DefaultExpireTimeout
	DefaultAliveTimeout      = project.DefaultAliveTimeout
	DefaultConcurrentLimit   = project.DefaultConcurrentLimit
	DefaultMaxMessageBytes   = 64 << 10
	DefaultSendQueueLen      = 256
	DefaultOfflineQueueLen   = 256
	DefaultMaxQueuedBytes    = 64 << 20
	DefaultMessagesPerSecond = 100
	DefaultBurst             = 200
	DefaultBytesPerSecond    = 1 << 20
	DefaultHandshakeTimeout  = 10 * time.Second
	DefaultWriteTimeout      = 10 * time.Second
	DefaultMaxIDLen          = 128
	DefaultMaxTokenLen       = 128
	DefaultShutdownTimeout   = 5 * time.Second
	DefaultClusterClaimTTL   = 15 * time.Second

	// minClusterClaimTTL keeps the renewal (a third of it) well above a
	// Redis round trip.
	minClusterClaimTTL = 300 * time.Millisecond

	// idleReadSlack is added to AliveTimeout for the IdleReadTimeout default.
	idleReadSlack = 30 * time.Second
)

// NoRateLimit as Config.MessagesPerSecond or Config.BytesPerSecond turns
// that per-connection rate limit off.
const NoRateLimit = -1

// ConfigError is an invalid Config field.
type ConfigError struct {
	Field string
	Err   error
}

func (e *ConfigError) Error() string { return "devserver config: " + e.Field + ": " + e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// withDefaults validates c and fills in every zero field.
// Check reports what New would refuse in c, without starting anything:
// callers check typed settings before they load or write anything else.
func (c Config) Check() error {
	_, err := c.withDefaults()
	return err
}

func (c Config) withDefaults() (Config, error) {
	bad := func(field, format string, args ...any) (Config, error) {
		return Config{}, &ConfigError{Field: field, Err: fmt.Errorf(format, args...)}
	}
	durations := []field[time.Duration]{
		{"ExpireTimeout", &c.ExpireTimeout, DefaultExpireTimeout},
		{"AliveTimeout", &c.AliveTimeout, DefaultAliveTimeout},
		{"HandshakeTimeout", &c.HandshakeTimeout, DefaultHandshakeTimeout},
		{"WriteTimeout", &c.WriteTimeout, DefaultWriteTimeout},
		{"ShutdownTimeout", &c.ShutdownTimeout, DefaultShutdownTimeout},
		{"IdleReadTimeout", &c.IdleReadTimeout, 0}, // after AliveTimeout, below
		{"ClusterClaimTTL", &c.ClusterClaimTTL, DefaultClusterClaimTTL},
	}
	if err := fillDefaults(durations); err != nil {
		return Config{}, err
	}
	if c.ClusterClaimTTL < minClusterClaimTTL {
		return bad("ClusterClaimTTL", "must be at least %v, got %v", minClusterClaimTTL, c.ClusterClaimTTL)
	}
	if c.ClusterURL != "" {
		if err := cluster.CheckURL(c.ClusterURL); err != nil {
			return bad("ClusterURL", "%w", err)
		}
	}
	if c.IdleReadTimeout == 0 {
		c.IdleReadTimeout = c.AliveTimeout + idleReadSlack
	}
	ints := []field[int]{
		{"ConcurrentLimit", &c.ConcurrentLimit, DefaultConcurrentLimit},
		{"SendQueueLen", &c.SendQueueLen, DefaultSendQueueLen},
		{"OfflineQueueLen", &c.OfflineQueueLen, DefaultOfflineQueueLen},
		{"Burst", &c.Burst, DefaultBurst},
		{"MaxIDLen", &c.MaxIDLen, DefaultMaxIDLen},
		{"MaxTokenLen", &c.MaxTokenLen, DefaultMaxTokenLen},
	}
	if err := fillDefaults(ints); err != nil {
		return Config{}, err
	}
	sizes := []field[int64]{
		{"MaxMessageBytes", &c.MaxMessageBytes, DefaultMaxMessageBytes},
		{"MaxQueuedBytes", &c.MaxQueuedBytes, DefaultMaxQueuedBytes},
	}
	if err := fillDefaults(sizes); err != nil {
		return Config{}, err
	}
	rates := []struct {
		name, unit string
		v          *float64
		def        float64
	}{
		{"MessagesPerSecond", "messages", &c.MessagesPerSecond, DefaultMessagesPerSecond},
		{"BytesPerSecond", "bytes", &c.BytesPerSecond, DefaultBytesPerSecond},
	}
	for _, r := range rates {
		switch {
		case *r.v != *r.v || math.IsInf(*r.v, 0):
			return bad(r.name, "must be a number of %s, got %v", r.unit, *r.v)
		case *r.v < 0:
			*r.v = NoRateLimit
		case *r.v == 0:
			*r.v = r.def
		}
	}
	if c.Key == "" {
		c.Key = DefaultKey
	}
	path, err := normalizePath(c.Path)
	if err != nil {
		return bad("Path", "%w", err)
	}
	c.Path = path
	for i, o := range c.CORSOrigins {
		if o == "" || strings.ContainsAny(o, " \t\r\n,") {
			return bad("CORSOrigins", "entry %d (%q) is not an origin such as https://localhost:5173", i, o)
		}
	}
	if c.ForwardToken != "" {
		if err := checkForwardToken(c.ForwardToken); err != nil {
			return bad("ForwardToken", "%w", err)
		}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.GenerateID == nil {
		c.GenerateID = newUUID
	}
	return c, nil
}

// field is a Config field that must not be negative and whose zero means
// def.
type field[T ~int | ~int64] struct {
	name string
	v    *T
	def  T
}

// fillDefaults puts each zero field's default in; a negative one is an
// error naming it.
func fillDefaults[T ~int | ~int64](fields []field[T]) error {
	for _, f := range fields {
		if *f.v < 0 {
			return &ConfigError{Field: f.name, Err: fmt.Errorf("must not be negative, got %v", *f.v)}
		}
		if *f.v == 0 {
			*f.v = f.def
		}
	}
	return nil
}

// normalizePath gives p a leading and a trailing slash, as the peerjs client
// does with its own `path` option, so both sides agree on the URLs.
func normalizePath(p string) (string, error) {
	if strings.ContainsAny(p, "?#% \t\r\n") {
		return "", fmt.Errorf("%q must be a plain URL path such as /myapp", p)
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p, nil
}
