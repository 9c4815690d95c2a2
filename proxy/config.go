package proxy

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/rtdev/rtdev/internal/target"
)

// Route sends the requests under Path to Target. Paths are passed to the
// backend unchanged: a route for /connection/ forwards
// /connection/websocket as /connection/websocket.
type Route struct {
	// Path is a prefix ending in a path segment: "/" (every request),
	// "/api" (/api and /api/...). The longest matching route wins.
	Path   string
	Target target.Target
	// From names where the target was given ("--to", "rtdev.toml [[proxy]]
	// to"), so a 502 tells the user what to check.
	From string
	// LoopbackOnly, when set, serves the route to clients on this machine
	// only (a loopback peer, on behalf of nobody else: see loopbackClient),
	// and is what everyone else is told (403). rtdev serve --lan
	// sets it for routes from a committed rtdev.toml: a file someone else
	// wrote must not put a backend on the network.
	LoopbackOnly string
}

// Config configures a Server. Zero fields take the defaults below.
type Config struct {
	Routes []Route

	// KeepHost forwards the client's Host header instead of the backend's
	// host:port. Off by default: dev servers such as Vite refuse a Host
	// they do not know (DNS rebinding protection).
	KeepHost bool

	// MaxMessageBytes is the largest WebSocket message, either direction
	// (16 MiB). A bigger one closes both sides: 1009 to its sender.
	MaxMessageBytes int64
	// BufferBytes is the copy buffer per WebSocket direction (32 KiB).
	// Messages stream through it, so memory per connection stays bounded
	// whatever the message size, and a slow reader on one side stops the
	// proxy reading from the other (backpressure through TCP).
	BufferBytes int
	// MaxWebSockets is how many WebSockets may be open at once (10000);
	// the next upgrade gets 503.
	MaxWebSockets int

	// HandshakeTimeout bounds the client's TLS handshake and request
	// headers, and the dial and upgrade to the backend (10s).
	HandshakeTimeout time.Duration
	// IdleTimeout closes a keep-alive HTTP connection with no request, a
	// WebSocket whose peer answers no ping for this long (2m), and an HTTP
	// exchange in which nothing moves for this long: a backend that sends
	// no headers (504) or stops mid-response, or a client that stops
	// reading it (the response is cut). The proxy pings each side of a
	// WebSocket every IdleTimeout/2, so a quiet but live one stays open;
	// a text/event-stream response may be quiet for as long as it likes.
	IdleTimeout time.Duration
	// WriteTimeout bounds one control frame (ping, close) to a peer (10s).
	WriteTimeout time.Duration
	// ShutdownTimeout is how long Serve waits for requests and WebSockets
	// to end after its context ends (5s).
	ShutdownTimeout time.Duration
	// MaxHeaderBytes bounds request and response headers (64 KiB).
	MaxHeaderBytes int

	// MinBodyRate is the slowest a request body may arrive, in bytes a
	// second (1 KiB/s): the time the proxy has waited on the client for it
	// may not pass BodyGrace (10s) plus the bytes so far over MinBodyRate.
	// Time the backend takes to read it does not count. BodyTimeout (10m)
	// bounds the whole body from the start of the request. A body cut by
	// either gets 408, and the backend sees it end early. Without these, a
	// client sending a byte every few seconds holds a connection to the
	// proxy and one to the backend for as long as it likes.
	MinBodyRate int64
	BodyGrace   time.Duration
	BodyTimeout time.Duration

	// Logger gets one access line per request and per WebSocket
	// (slog.Default when nil).
	Logger *slog.Logger
}

// Defaults.
const (
	DefaultMaxMessageBytes  = 16 << 20
	DefaultBufferBytes      = 32 << 10
	DefaultMaxWebSockets    = 10000
	DefaultHandshakeTimeout = 10 * time.Second
	DefaultIdleTimeout      = 2 * time.Minute
	DefaultWriteTimeout     = 10 * time.Second
	DefaultShutdownTimeout  = 5 * time.Second
	DefaultMaxHeaderBytes   = 64 << 10

	// 1 KiB/s is 8 kbit/s, under the slowest upload a browser's own
	// network throttling emulates (Firefox's GPRS profile: 20 kbit/s), so
	// any real upload from a page, curl or an API client keeps it.
	DefaultMinBodyRate = 1 << 10
	// 10s covers a phone's radio waking up, the 100-continue round trip
	// and a client that builds its body (a multipart form with a file)
	// before the first byte, and a pause of that long later on.
	DefaultBodyGrace = 10 * time.Second
	// 10 minutes carries a 1 GiB upload at 15 Mbit/s (a weak Wi-Fi link
	// from a phone); a dev server gets nothing larger.
	DefaultBodyTimeout = 10 * time.Minute
)

// ConfigError is an invalid Config field.
type ConfigError struct {
	Field string
	Err   error
}

func (e *ConfigError) Error() string { return "proxy config " + e.Field + ": " + e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// withDefaults checks c and fills its zero fields.
func (c Config) withDefaults() (Config, error) {
	bad := func(field, format string, args ...any) (Config, error) {
		return c, &ConfigError{Field: field, Err: fmt.Errorf(format, args...)}
	}
	if len(c.Routes) == 0 {
		return bad("Routes", "no route to proxy")
	}
	c.Routes = slices.Clone(c.Routes)
	for i, r := range c.Routes {
		p, err := target.CleanPath(r.Path)
		if err != nil {
			return bad("Routes", "%v", err)
		}
		if r.Target.Host == "" {
			return bad("Routes", "route %s has no target", p)
		}
		c.Routes[i].Path = p
	}
	// Longest first, so the first prefix that matches is the most specific.
	slices.SortStableFunc(c.Routes, func(a, b Route) int { return len(b.Path) - len(a.Path) })
	for i := 1; i < len(c.Routes); i++ {
		if c.Routes[i].Path == c.Routes[i-1].Path {
			return bad("Routes", "two routes for %s", c.Routes[i].Path)
		}
	}
	type field struct {
		name string
		v    int64
	}
	for _, f := range []field{
		{"MaxMessageBytes", c.MaxMessageBytes}, {"BufferBytes", int64(c.BufferBytes)},
		{"MaxWebSockets", int64(c.MaxWebSockets)}, {"MaxHeaderBytes", int64(c.MaxHeaderBytes)},
		{"HandshakeTimeout", int64(c.HandshakeTimeout)}, {"IdleTimeout", int64(c.IdleTimeout)},
		{"WriteTimeout", int64(c.WriteTimeout)}, {"ShutdownTimeout", int64(c.ShutdownTimeout)},
		{"MinBodyRate", c.MinBodyRate}, {"BodyGrace", int64(c.BodyGrace)}, {"BodyTimeout", int64(c.BodyTimeout)},
	} {
		if f.v < 0 {
			return bad(f.name, "must not be negative")
		}
	}
	c.MaxMessageBytes = or(c.MaxMessageBytes, DefaultMaxMessageBytes)
	c.BufferBytes = or(c.BufferBytes, DefaultBufferBytes)
	c.MaxWebSockets = or(c.MaxWebSockets, DefaultMaxWebSockets)
	c.HandshakeTimeout = or(c.HandshakeTimeout, DefaultHandshakeTimeout)
	c.IdleTimeout = or(c.IdleTimeout, DefaultIdleTimeout)
	c.WriteTimeout = or(c.WriteTimeout, DefaultWriteTimeout)
	c.ShutdownTimeout = or(c.ShutdownTimeout, DefaultShutdownTimeout)
	c.MaxHeaderBytes = or(c.MaxHeaderBytes, DefaultMaxHeaderBytes)
	c.MinBodyRate = or(c.MinBodyRate, DefaultMinBodyRate)
	c.BodyGrace = or(c.BodyGrace, DefaultBodyGrace)
	c.BodyTimeout = or(c.BodyTimeout, DefaultBodyTimeout)
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c, nil
}

func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// matches reports whether the request path falls under route path p
// (cleaned): p itself or below it, never a longer segment ("/api" does not
// match "/apix").
func matches(p, reqPath string) bool {
	return p == "/" || reqPath == p || strings.HasPrefix(reqPath, p+"/")
}
