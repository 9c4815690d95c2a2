package devserver

import (
	"errors"
	"github.com/rtdev/rtdev/internal/textsafe"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

// Close codes. Upstream closes with no code at all (browsers see 1005); the
// server does the same after admission errors, and uses a code with a reason
// where it adds behaviour of its own, so the cause shows in the browser's
// devtools. The peerjs client ignores codes (lib/socket.ts).
const (
	closeBare            = 0 // empty close frame, seen as 1005
	closeNormal          = websocket.CloseNormalClosure
	closeGoingAway       = websocket.CloseGoingAway
	closeInvalidPayload  = websocket.CloseInvalidFramePayloadData // 1007
	closePolicyViolation = websocket.ClosePolicyViolation         // 1008
	// 4000-4999 are for applications (RFC 6455 section 7.4.2).
	closeOverridden   = 4001 // another connection took the id (AllowOverride)
	closeAliveTimeout = 4002 // no HEARTBEAT within AliveTimeout
)

// closeReq says how a client's connection ends.
type closeReq struct {
	final   []byte // a last message before the close frame (OVERRIDE_CONNECTION)
	code    int    // closeBare or a close code
	reason  string
	noFrame bool // the peer already closed, or the socket is stuck: just drop it
}

// client is one accepted WebSocket connection; once admitted it is the
// record of its id in the realm until it is replaced or ends. A new
// connection for the same id is a new client, so "is this socket still the
// id's socket" is pointer identity.
type client struct {
	s         *Server
	ws        *websocket.Conn
	id, token string
	remote    string
	claim     string // its claim on the id in the cluster (package cluster); "" on a single server

	// The send queue: frames for the write goroutine, which runs only while
	// there is something to write, so an idle peer holds neither a queue
	// nor a second goroutine stack (see writer.go).
	qmu     sync.Mutex
	open    []byte   // OPEN, written first; the only frame not in the byte budget
	backlog [][]byte // the offline queue, written before queue
	queue   [][]byte // from transmit; queue[head:] waits, at most SendQueueLen
	head    int
	writing bool // a write goroutine is running, or has finished the connection

	lastPing atomic.Int64

	stopOnce  sync.Once
	stopping  atomic.Bool
	closing   chan struct{} // closed by stop; req is set before
	req       closeReq
	readDone  chan struct{}
	writeDone chan struct{}

	aliveMu sync.Mutex
	alive   *time.Timer
	ended   bool
}

// writeBufferSize is gorilla's write buffer. A frame that fits goes out as
// one TLS record in one write(2); with the default 4 KiB an OFFER or ANSWER
// (4 KiB of SDP and the JSON around it) took two. 16 KiB is TLS's largest
// record (RFC 8446 section 5.1). Buffers come from a pool and go back after
// each message, so idle connections hold none.
const writeBufferSize = 16 << 10

// readBufferSize is gorilla's read buffer, which every connection keeps for
// its whole life. It only has to hold a frame header or a control frame
// (125 bytes, RFC 6455 section 5.5): frame payloads are read straight into
// a pooled buffer (readFrame), past it. Without a size gorilla would keep
// net/http's 4 KiB reader instead. A client may not send frames before the
// 101 response (RFC 6455 section 4.1), so nothing is left in that reader;
// gorilla refuses the upgrade if something is.
const readBufferSize = 512

// newUpgrader accepts any Origin: upstream's WebSocket bypasses CORS and
// checks no Origin, and a page on any dev origin must reach the server.
// No compression, no subprotocol (ws 8 defaults, which the client expects).
func newUpgrader(cfg Config) *websocket.Upgrader {
	return &websocket.Upgrader{
		HandshakeTimeout: cfg.HandshakeTimeout,
		CheckOrigin:      func(*http.Request) bool { return true },
		ReadBufferSize:   readBufferSize,
		WriteBufferSize:  writeBufferSize,
		WriteBufferPool:  &sync.Pool{},
	}
}

// lastParam returns the last value of key: upstream parses the query with
// Object.fromEntries(URLSearchParams), where a repeated key's last value
// wins, while url.Values.Get returns the first.
func lastParam(q url.Values, key string) string {
	if vs := q[key]; len(vs) > 0 {
		return vs[len(vs)-1]
	}
	return ""
}

// serveWS upgrades r and hands the connection to a goroutine of its own.
// Returning frees what net/http keeps for the handler (the request, the
// response, and a goroutine stack grown by the TLS handshake) for as long
// as the peer stays connected.
func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.log.Info("websocket upgrade failed", "remote", clientRemote(r), "err", err)
		return // Upgrade has answered with an HTTP error
	}
	if !s.track(ws) {
		_ = ws.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(closeGoingAway, "server shutting down"), time.Now().Add(s.cfg.WriteTimeout))
		_ = ws.Close()
		return
	}
	q := r.URL.Query()
	c := &client{
		s:         s,
		ws:        ws,
		id:        lastParam(q, "id"),
		token:     lastParam(q, "token"),
		remote:    clientRemote(r),
		closing:   make(chan struct{}),
		readDone:  make(chan struct{}),
		writeDone: make(chan struct{}),
	}
	go s.session(c, lastParam(q, "key"))
}

// session admits c and runs it until its connection ends.
func (s *Server) session(c *client, key string) {
	defer s.untrack(c.ws)
	if msg, reason := s.checkParams(c.id, c.token, key); msg != "" {
		s.reject(c, typeError, msg, reason)
		return
	}
	o, old := s.broker.admit(c)
	switch o {
	case rejectTaken:
		s.reject(c, typeIDTaken, msgIDTaken, msgIDTaken)
		return
	case rejectLimit:
		s.reject(c, typeError, msgLimit, msgLimit)
		return
	case admitOverride:
		s.stats.overrides.Add(1)
		prev := "another instance"
		if old != nil {
			prev = old.remote
		}
		s.log.Warn("peer id taken over", "id", c.id, "remote", c.remote, "previous_remote", prev)
	}
	if s.attach(c.ws, c) {
		c.stop(closeReq{code: closeGoingAway, reason: "server shutting down"})
	}
	s.log.Info("peer connected", "id", c.id, "remote", c.remote, "admission", o.String())
	start := time.Now()
	c.run()
	s.broker.release(c)
	s.log.Info("peer disconnected", "id", c.id, "remote", c.remote, "after", time.Since(start).Round(time.Millisecond))
}

// checkParams runs upstream's admission steps 1 and 2 and this server's
// limits on ids and tokens; it returns the ERROR text and the reason to
// log, or "" to go on.
func (s *Server) checkParams(id, token, key string) (msg, reason string) {
	same := func(msg string) (string, string) { return msg, msg }
	switch {
	case id == "" || token == "" || key == "":
		return same(msgMissingParams)
	case key != s.cfg.Key:
		return same(msgInvalidKey)
	case len(id) > s.cfg.MaxIDLen:
		return same("ID is too long: at most " + strconv.Itoa(s.cfg.MaxIDLen) + " bytes")
	case len(token) > s.cfg.MaxTokenLen:
		return same("Token is too long: at most " + strconv.Itoa(s.cfg.MaxTokenLen) + " bytes")
	// Upstream takes any id and token. An id with invalid UTF-8 is relayed
	// as U+FFFD, the same JSON string as another peer's id ("al\xffce" and
	// "al\ufffdce"), and control characters reach every log and terminal
	// that shows one; the peerjs client never makes such a value. The
	// refusal is upstream's ERROR for unusable WebSocket parameters.
	case !textsafe.Plain(id):
		return msgMissingParams, "id is not valid UTF-8 or holds control characters"
	case !textsafe.Plain(token):
		return msgMissingParams, "token is not valid UTF-8 or holds control characters"
	}
	return "", ""
}

// reject sends one message and a bare close, as upstream does for every
// admission failure, then waits (bounded) for the close reply. The id is
// not checked yet, so it is logged escaped.
func (s *Server) reject(c *client, typ, msg, reason string) {
	s.stats.rejected.Add(1)
	s.log.Info("peer rejected", "id", textsafe.Terminal(c.id), "remote", c.remote, "reason", reason)
	deadline := time.Now().Add(s.cfg.WriteTimeout)
	_ = c.ws.SetWriteDeadline(deadline)
	if c.ws.WriteMessage(websocket.TextMessage, serverMessage(typ, msg)) == nil {
		_ = c.ws.WriteControl(websocket.CloseMessage, nil, deadline)
		c.ws.SetReadLimit(s.cfg.MaxMessageBytes)
		_ = c.ws.SetReadDeadline(deadline)
		for {
			if _, _, err := c.ws.NextReader(); err != nil {
				break
			}
		}
	}
	_ = c.ws.Close()
}

// run serves an admitted client until its connection ends.
func (c *client) run() {
	c.lastPing.Store(time.Now().UnixNano())
	c.armAlive(c.s.cfg.AliveTimeout)
	c.kick() // OPEN and the offline queue
	c.readLoop()
	close(c.readDone)
	c.s.realm.removeIf(c)
	c.aliveMu.Lock()
	c.ended = true
	if c.alive != nil {
		c.alive.Stop()
	}
	c.aliveMu.Unlock()
	c.stop(closeReq{noFrame: true})
	<-c.writeDone
}

// stop asks the write loop to end the connection as req says. Only the first
// request counts; stop reports whether it was the first. It never blocks, so
// the realm may call it under its lock.
func (c *client) stop(req closeReq) bool {
	first := false
	c.stopOnce.Do(func() {
		first = true
		c.req = req
		c.stopping.Store(true)
		close(c.closing)
	})
	if first {
		c.kick() // the write goroutine ends the connection
	}
	return first
}

// readLoop reads frames until the connection fails or closes.
func (c *client) readLoop() {
	cfg := &c.s.cfg
	c.ws.SetReadLimit(cfg.MaxMessageBytes) // gorilla closes with 1009 past it
	now := time.Now()
	limits := newRateLimits(cfg, now)
	// Moving the read deadline costs a timer update in the runtime; doing
	// it once per refresh instead of per frame keeps it off the relay path.
	// The deadline lands IdleReadTimeout plus at most refresh after the
	// last frame, never sooner.
	refresh := cfg.IdleReadTimeout / 16
	var deadlineSet time.Time
	for {
		if now.Sub(deadlineSet) >= refresh {
			_ = c.ws.SetReadDeadline(now.Add(cfg.IdleReadTimeout + refresh))
			deadlineSet = now
		}
		typ, data, err := c.readMessage()
		if err != nil {
			c.readFailed(err)
			return
		}
		now = time.Now()
		c.frame(typ, data, &limits, now)
		putBuf(data) // nothing holds on to an inbound frame: relays copy it
	}
}

// readMessage is gorilla's ReadMessage reading into a pooled buffer.
func (c *client) readMessage() (int, []byte, error) {
	typ, r, err := c.ws.NextReader()
	if err != nil {
		return 0, nil, err
	}
	data, err := readFrame(r)
	return typ, data, err
}

// frame applies the per-connection checks to one inbound frame, decodes
// it and hands the message to the server.
func (c *client) frame(typ int, data []byte, limits *rateLimits, now time.Time) {
	cfg := &c.s.cfg
	if c.stopping.Load() {
		return // waiting for the close reply; the session is over
	}
	if limits.msgs != nil && !limits.msgs.allow(now, 1) {
		c.overRate(&c.s.stats.rateLimited, "message rate limit exceeded",
			"messages_per_second", cfg.MessagesPerSecond, "burst", cfg.Burst)
		return
	}
	if limits.bytes != nil && !limits.bytes.allow(now, float64(len(data))) {
		c.overRate(&c.s.stats.byteRateLimited, "byte rate limit exceeded", "bytes_per_second", cfg.BytesPerSecond)
		return
	}
	m, err := decode(data)
	if err != nil {
		// gorilla/websocket does not check UTF-8 in text frames; RFC 6455
		// section 8.1 requires failing the connection, with 1007 (7.4.1).
		// Relaying the bytes would instead make each receiving browser drop
		// its own connection. A frame decode accepts is valid UTF-8 already
		// (it checks every string, and JSON is ASCII outside them:
		// FuzzDecode), so only a refused frame needs the whole-frame check.
		if typ == websocket.TextMessage && !utf8.Valid(data) {
			c.s.stats.invalidUTF8.Add(1)
			c.s.log.Warn("peer closed: invalid UTF-8 in a text frame", "id", c.id)
			c.s.realm.removeIf(c)
			c.stop(closeReq{code: closeInvalidPayload, reason: "invalid UTF-8"})
			return
		}
		// As upstream (src/messageHandler/index.ts), a frame that is not a
		// JSON object is dropped and the socket stays open.
		c.s.stats.malformed.Add(1)
		c.s.log.Warn("dropped malformed message", "id", c.id, "err", err)
		return
	}
	c.s.handle(c, m, now)
}

// overRate closes a connection that went over a rate limit with 1008 and
// counts it in n.
func (c *client) overRate(n *atomic.Uint64, why string, attrs ...any) {
	n.Add(1)
	c.s.log.Warn("peer closed: "+why, append([]any{"id", c.id}, attrs...)...)
	c.s.realm.removeIf(c)
	c.stop(closeReq{code: closePolicyViolation, reason: why})
}

// readFailed logs why reading ended and, for an idle connection, asks for a
// close frame; every other case needs none.
func (c *client) readFailed(err error) {
	var ce *websocket.CloseError
	switch {
	case errors.Is(err, websocket.ErrReadLimit):
		// gorilla has already sent the 1009 close frame.
		c.s.stats.oversized.Add(1)
		c.s.log.Warn("peer closed: message too big", "id", c.id, "limit_bytes", c.s.cfg.MaxMessageBytes)
		c.stop(closeReq{noFrame: true})
	case errors.As(err, &ce):
		// A close from the peer; gorilla has replied to it.
		c.stop(closeReq{noFrame: true})
	case isTimeout(err) && !c.stopping.Load():
		c.s.log.Info("peer closed: no frames within the idle read timeout", "id", c.id, "timeout", c.s.cfg.IdleReadTimeout)
		c.stop(closeReq{code: closeGoingAway, reason: "idle read timeout"})
	case !c.stopping.Load() && !errors.Is(err, net.ErrClosed):
		c.s.log.Info("peer connection lost", "id", c.id, "err", err)
	}
}

// armAlive schedules the next liveness check. Upstream polls every client
// every 300 ms; one timer per client that re-arms itself for the remaining
// time does the same check with no polling.
func (c *client) armAlive(d time.Duration) {
	c.aliveMu.Lock()
	defer c.aliveMu.Unlock()
	if !c.ended {
		c.alive = time.AfterFunc(d, c.checkAlive)
	}
}

// checkAlive reaps the client if no HEARTBEAT came within AliveTimeout:
// unregister, drop its offline queue, close (src/services/checkBrokenConnections).
func (c *client) checkAlive() {
	timeout := c.s.cfg.AliveTimeout
	if idle := time.Since(time.Unix(0, c.lastPing.Load())); idle < timeout {
		c.armAlive(timeout - idle)
		return
	}
	if c.s.realm.reap(c) {
		c.s.stats.reaped.Add(1)
		c.s.log.Info("peer closed: no HEARTBEAT within the alive timeout", "id", c.id, "timeout", timeout)
	}
	c.stop(closeReq{code: closeAliveTimeout, reason: "no HEARTBEAT within the alive timeout"})
}

// isTimeout reports a deadline error. gorilla/websocket rewraps net errors
// (hideTempErr), so errors.Is(err, os.ErrDeadlineExceeded) misses them.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
