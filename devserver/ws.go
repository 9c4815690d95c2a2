package devserver

import (
	"errors"
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

	send     chan []byte // written by transmit (non-blocking), drained by writeLoop
	backlog  [][]byte    // OPEN and the offline queue, written before send
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

// newUpgrader accepts any Origin: upstream's WebSocket bypasses CORS and
// checks no Origin, and a page on any dev origin must reach the server.
// No compression, no subprotocol (ws 8 defaults, which the client expects).
func newUpgrader(cfg Config) *websocket.Upgrader {
	return &websocket.Upgrader{
		HandshakeTimeout: cfg.HandshakeTimeout,
		CheckOrigin:      func(*http.Request) bool { return true },
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

// serveWS upgrades r and runs the connection until it ends.
func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	ws, err := s.upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.log.Info("websocket upgrade failed", "remote", r.RemoteAddr, "err", err)
		return // Upgrade has answered with an HTTP error
	}
	if !s.track(ws) {
		_ = ws.WriteControl(websocket.CloseMessage,
			websocket.FormatCloseMessage(closeGoingAway, "server shutting down"), time.Now().Add(s.cfg.WriteTimeout))
		_ = ws.Close()
		return
	}
	defer s.untrack(ws)

	q := r.URL.Query()
	c := &client{
		s:         s,
		ws:        ws,
		id:        lastParam(q, "id"),
		token:     lastParam(q, "token"),
		remote:    r.RemoteAddr,
		send:      make(chan []byte, s.cfg.SendQueueLen),
		closing:   make(chan struct{}),
		readDone:  make(chan struct{}),
		writeDone: make(chan struct{}),
	}
	if msg := s.checkParams(c.id, c.token, lastParam(q, "key")); msg != "" {
		s.reject(c, typeError, msg)
		return
	}
	o, old := s.realm.admit(c, s.cfg.ConcurrentLimit, s.cfg.AllowOverride)
	switch o {
	case rejectTaken:
		s.reject(c, typeIDTaken, msgIDTaken)
		return
	case rejectLimit:
		s.reject(c, typeError, msgLimit)
		return
	case admitOverride:
		s.stats.overrides.Add(1)
		s.log.Warn("peer id taken over", "id", c.id, "remote", c.remote, "previous_remote", old.remote)
	}
	if s.attach(ws, c) {
		c.stop(closeReq{code: closeGoingAway, reason: "server shutting down"})
	}
	s.log.Info("peer connected", "id", c.id, "remote", c.remote, "admission", o.String())
	start := time.Now()
	c.run()
	s.log.Info("peer disconnected", "id", c.id, "remote", c.remote, "after", time.Since(start).Round(time.Millisecond))
}

// checkParams runs upstream's admission steps 1 and 2 and this server's
// length limits; it returns the ERROR text, or "" to go on.
func (s *Server) checkParams(id, token, key string) string {
	switch {
	case id == "" || token == "" || key == "":
		return msgMissingParams
	case key != s.cfg.Key:
		return msgInvalidKey
	case len(id) > s.cfg.MaxIDLen:
		return "ID is too long: at most " + strconv.Itoa(s.cfg.MaxIDLen) + " bytes"
	case len(token) > s.cfg.MaxTokenLen:
		return "Token is too long: at most " + strconv.Itoa(s.cfg.MaxTokenLen) + " bytes"
	}
	return ""
}

// reject sends one message and a bare close, as upstream does for every
// admission failure, then waits (bounded) for the close reply.
func (s *Server) reject(c *client, typ, msg string) {
	s.stats.rejected.Add(1)
	s.log.Info("peer rejected", "id", c.id, "remote", c.remote, "reason", msg)
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
	go c.writeLoop()
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
// it may be called with realm.mu held.
func (c *client) stop(req closeReq) bool {
	first := false
	c.stopOnce.Do(func() {
		first = true
		c.req = req
		c.stopping.Store(true)
		close(c.closing)
	})
	return first
}

// enqueue hands msg to the write loop without blocking; false means the
// client's send queue is full.
func (c *client) enqueue(msg []byte) bool {
	select {
	case c.send <- msg:
		return true
	default:
		return false
	}
}

// readLoop reads frames until the connection fails or closes.
func (c *client) readLoop() {
	cfg := &c.s.cfg
	c.ws.SetReadLimit(cfg.MaxMessageBytes) // gorilla closes with 1009 past it
	bucket := newTokenBucket(cfg.MessagesPerSecond, cfg.Burst, time.Now())
	for {
		_ = c.ws.SetReadDeadline(time.Now().Add(cfg.IdleReadTimeout))
		typ, data, err := c.ws.ReadMessage()
		if err != nil {
			c.readFailed(err)
			return
		}
		if c.stopping.Load() {
			continue // waiting for the close reply; the session is over
		}
		if !bucket.allow(time.Now()) {
			c.s.stats.rateLimited.Add(1)
			c.s.log.Warn("peer closed: message rate limit exceeded", "id", c.id,
				"messages_per_second", cfg.MessagesPerSecond, "burst", cfg.Burst)
			c.s.realm.removeIf(c)
			c.stop(closeReq{code: closePolicyViolation, reason: "message rate limit exceeded"})
			continue
		}
		// gorilla/websocket does not check UTF-8 in text frames; RFC 6455
		// section 8.1 requires failing the connection, with 1007 (7.4.1).
		// Relaying the bytes would instead make each receiving browser drop
		// its own connection.
		if typ == websocket.TextMessage && !utf8.Valid(data) {
			c.s.stats.invalidUTF8.Add(1)
			c.s.log.Warn("peer closed: invalid UTF-8 in a text frame", "id", c.id)
			c.s.realm.removeIf(c)
			c.stop(closeReq{code: closeInvalidPayload, reason: "invalid UTF-8"})
			continue
		}
		c.s.handle(c, data)
	}
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

// writeLoop is the only writer of data frames: OPEN and the offline queue
// first, then whatever transmit hands over, until stop.
func (c *client) writeLoop() {
	defer close(c.writeDone)
	ok := true
	for _, m := range c.backlog {
		if c.stopping.Load() {
			break
		}
		if ok = c.write(m); !ok {
			break
		}
	}
	c.backlog = nil
	for ok {
		// Check closing first: once stopped, nothing more is sent.
		select {
		case <-c.closing:
			c.finish(true)
			return
		default:
		}
		select {
		case <-c.closing:
			c.finish(true)
			return
		case m := <-c.send:
			ok = c.write(m)
		}
	}
	c.finish(false)
}

// write sends one text frame; on failure it stops the client, evicting it
// if the peer stopped reading (the write timed out).
func (c *client) write(m []byte) bool {
	_ = c.ws.SetWriteDeadline(time.Now().Add(c.s.cfg.WriteTimeout))
	err := c.ws.WriteMessage(websocket.TextMessage, m)
	if err == nil {
		return true
	}
	if isTimeout(err) && c.s.realm.removeIf(c) {
		c.s.evict(c, "write timed out: the peer is not reading")
	}
	c.stop(closeReq{noFrame: true})
	return false
}

// finish ends the connection as requested: the final message and the close
// frame if the socket can still take them, a bounded wait for the peer's
// close reply, then the TCP close, which also ends readLoop.
func (c *client) finish(canWrite bool) {
	<-c.closing
	req := c.req
	if canWrite && !req.noFrame {
		deadline := time.Now().Add(c.s.cfg.WriteTimeout)
		sent := true
		if req.final != nil {
			_ = c.ws.SetWriteDeadline(deadline)
			sent = c.ws.WriteMessage(websocket.TextMessage, req.final) == nil
		}
		var payload []byte
		if req.code != closeBare {
			payload = websocket.FormatCloseMessage(req.code, req.reason)
		}
		if sent && c.ws.WriteControl(websocket.CloseMessage, payload, deadline) == nil {
			t := time.NewTimer(c.s.cfg.WriteTimeout)
			select {
			case <-c.readDone:
			case <-t.C:
			}
			t.Stop()
		}
	}
	_ = c.ws.Close()
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
