package proxy

import (
	"context"
	"errors"
	"github.com/rtdev/rtdev/internal/textsafe"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// bridge is one proxied WebSocket: a connection to the client and one to
// the backend, and a pump per direction.
type bridge struct {
	s     *Server
	done  chan struct{}
	stats [2]dirStats // indexed by the side that sent

	// mu guards the connections (Shutdown may come before both are up)
	// and the first close, which the access line reports.
	mu              sync.Mutex
	client, backend *websocket.Conn
	leaving         bool // Shutdown has begun
	closedBy        string
	code            int
	reason          string
}

// firstClose records who ended the WebSocket and how, once.
func (b *bridge) firstClose(by string, code int, reason string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closedBy == "" {
		b.closedBy, b.code, b.reason = by, code, reason
	}
}

type side int

const (
	fromClient side = iota
	fromBackend
)

func (d side) String() string { return [...]string{"client", "backend"}[d] }

type dirStats struct{ messages, bytes atomic.Int64 }

// wsSkipHeaders are not copied onto the backend handshake: hop-by-hop
// headers, the handshake's own (the dialer makes a new key), extensions
// (no compression on either side, so messages pass as they are), and the
// X-Forwarded-* and X-Real-IP a client could forge (the proxy sets its
// own). Headers the client's Connection names are skipped too.
var wsSkipHeaders = map[string]bool{
	"Upgrade": true, "Connection": true, "Keep-Alive": true, "Proxy-Connection": true,
	"Proxy-Authorization": true, "Te": true, "Trailer": true, "Transfer-Encoding": true,
	"Sec-Websocket-Key": true, "Sec-Websocket-Version": true, "Sec-Websocket-Extensions": true,
	"X-Forwarded-For": true, "X-Forwarded-Host": true, "X-Forwarded-Proto": true, "Forwarded": true,
	"X-Real-Ip": true,
}

// connectionNames are the headers h's Connection header names, in
// canonical form: RFC 9110 section 7.6.1 makes each of them hop-by-hop,
// meant for the client's connection to the proxy and no further.
func connectionNames(h http.Header) map[string]bool {
	names := map[string]bool{}
	for _, v := range h["Connection"] {
		for _, name := range strings.Split(v, ",") {
			if name = strings.TrimSpace(name); name != "" {
				names[http.CanonicalHeaderKey(name)] = true
			}
		}
	}
	return names
}

func (s *Server) serveWebSocket(w http.ResponseWriter, r *http.Request, rt Route, start time.Time) {
	b := &bridge{s: s, done: make(chan struct{})}
	logLine := func(status int, msg string) {
		lw := &logWriter{status: status, err: msg}
		s.logRequest(r, &rt, lw, start)
	}
	if err := s.admit(b); err != nil {
		http.Error(w, "rtdev proxy: "+err.Error(), http.StatusServiceUnavailable)
		logLine(http.StatusServiceUnavailable, err.Error())
		return
	}
	defer s.release(b)

	// Dial the backend first, with the client's Origin, cookies and
	// subprotocols, so its own handshake checks decide, and a refusal
	// (403 for a wrong origin, 404 for a wrong path) reaches the client as
	// the backend sent it.
	h := http.Header{}
	hopByHop := connectionNames(r.Header)
	for k, vs := range r.Header {
		if ck := http.CanonicalHeaderKey(k); !wsSkipHeaders[ck] && !hopByHop[ck] {
			h[k] = vs
		}
	}
	h.Set("X-Forwarded-For", clientIP(r))
	h.Set("X-Real-IP", clientIP(r))
	h.Set("X-Forwarded-Host", r.Host)
	h.Set("X-Forwarded-Proto", "https")
	if s.cfg.KeepHost {
		h.Set("Host", r.Host) // the dialer sends it as the request's Host
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.HandshakeTimeout)
	defer cancel()
	backend, resp, err := s.dialer.DialContext(ctx, "ws://"+rt.Target.Host+r.URL.RequestURI(), h)
	if err != nil {
		if resp != nil {
			relayRefusal(w, resp, s.cfg.MaxHeaderBytes)
			logLine(resp.StatusCode, "the backend refused the WebSocket upgrade")
			return
		}
		msg := backendProblem(rt, err)
		http.Error(w, msg, http.StatusBadGateway)
		logLine(http.StatusBadGateway, msg)
		return
	}
	b.mu.Lock()
	b.backend = backend
	b.mu.Unlock()

	up := websocket.Upgrader{
		HandshakeTimeout: s.cfg.HandshakeTimeout,
		WriteBufferPool:  s.writeBufs,
		WriteBufferSize:  s.cfg.BufferBytes,
		// The backend has checked the Origin in its own handshake above;
		// the proxy passes the decision on rather than making its own.
		CheckOrigin: func(*http.Request) bool { return true },
	}
	respHeader := http.Header{}
	if p := backend.Subprotocol(); p != "" {
		respHeader.Set("Sec-Websocket-Protocol", p)
	}
	for _, c := range resp.Header.Values("Set-Cookie") {
		respHeader.Add("Set-Cookie", c)
	}
	client, err := up.Upgrade(w, r, respHeader)
	if err != nil {
		// Upgrade has answered the client with an HTTP error.
		_ = backend.WriteControl(websocket.CloseMessage, closeMessage(websocket.CloseGoingAway, "the client's handshake failed"), time.Now().Add(s.cfg.WriteTimeout))
		_ = backend.Close()
		logLine(http.StatusBadRequest, "client handshake: "+err.Error())
		return
	}
	b.mu.Lock()
	b.client = client
	leaving := b.leaving
	b.mu.Unlock()
	if leaving {
		b.goingAway() // Shutdown came during the handshake
	}
	b.run()
	s.logWebSocket(r, rt, b, start)
}

// clientIP is the client's address without its port.
func clientIP(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	return strings.Trim(host, "[]")
}

// relayRefusal answers the client with the backend's non-101 answer:
// status, content type and a bounded body.
func relayRefusal(w http.ResponseWriter, resp *http.Response, limit int) {
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, io.LimitReader(resp.Body, int64(limit)))
}

// result is how one pump ended.
type result struct {
	from side
	err  error
	// write is set when the error came from writing to the other side.
	write bool
}

func (b *bridge) run() {
	idle := b.s.cfg.IdleTimeout
	for _, c := range []*websocket.Conn{b.client, b.backend} {
		c.SetReadLimit(b.s.cfg.MaxMessageBytes)
		c.SetPongHandler(func(string) error { return c.SetReadDeadline(time.Now().Add(idle)) })
		c.SetPingHandler(func(data string) error {
			_ = c.SetReadDeadline(time.Now().Add(idle))
			err := c.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(b.s.cfg.WriteTimeout))
			if errors.Is(err, websocket.ErrCloseSent) {
				return nil
			}
			return err
		})
	}
	results := make(chan result, 2)
	go func() { results <- b.pump(fromClient, b.client, b.backend) }()
	go func() { results <- b.pump(fromBackend, b.backend, b.client) }()
	go b.ping()

	b.end(<-results)
	// The other side has been sent a close; give it WriteTimeout to
	// answer with its own, then cut both connections.
	timer := time.NewTimer(b.s.cfg.WriteTimeout)
	defer timer.Stop()
	select {
	case r := <-results:
		b.end(r)
	case <-timer.C:
		b.drop()
		<-results
	}
	close(b.done)
	b.drop()
}

// pump copies messages from src to dst, one at a time and in frames of at
// most BufferBytes, until either side fails.
func (b *bridge) pump(from side, src, dst *websocket.Conn) result {
	idle := b.s.cfg.IdleTimeout
	st := &b.stats[from]
	for {
		_ = src.SetReadDeadline(time.Now().Add(idle))
		typ, rd, err := src.NextReader()
		if err != nil {
			return result{from: from, err: err}
		}
		wr, err := dst.NextWriter(typ) // text stays text, binary stays binary
		if err != nil {
			return result{from: from, err: err, write: true}
		}
		n, rerr, werr := b.copy(src, dst, wr, rd)
		st.bytes.Add(n)
		if werr == nil {
			_ = dst.SetWriteDeadline(time.Now().Add(idle))
			werr = wr.Close()
		}
		switch {
		case rerr != nil:
			return result{from: from, err: rerr}
		case werr != nil:
			return result{from: from, err: werr, write: true}
		}
		st.messages.Add(1)
	}
}

// copy streams one message, telling a read error from a write error. The
// deadlines move with every chunk, so a large message on a slow link is not
// cut, but a peer that takes nothing for IdleTimeout is.
func (b *bridge) copy(src, dst *websocket.Conn, wr io.Writer, rd io.Reader) (n int64, rerr, werr error) {
	idle := b.s.cfg.IdleTimeout
	bp := b.s.copyBufs.Get().(*[]byte)
	defer b.s.copyBufs.Put(bp)
	buf := *bp
	for {
		m, err := rd.Read(buf)
		if m > 0 {
			_ = src.SetReadDeadline(time.Now().Add(idle))
			_ = dst.SetWriteDeadline(time.Now().Add(idle))
			if _, werr = wr.Write(buf[:m]); werr != nil {
				return n, nil, werr
			}
			n += int64(m)
		}
		if err == io.EOF {
			return n, nil, nil
		}
		if err != nil {
			return n, err, nil
		}
	}
}

// ping keeps a quiet WebSocket open and finds a dead one: each side gets a
// ping every IdleTimeout/2, and a side that answers none within
// IdleTimeout ends its pump with a read timeout.
func (b *bridge) ping() {
	t := time.NewTicker(b.s.cfg.IdleTimeout / 2)
	defer t.Stop()
	for {
		select {
		case <-b.done:
			return
		case <-t.C:
			for _, c := range []*websocket.Conn{b.client, b.backend} {
				_ = c.WriteControl(websocket.PingMessage, nil, time.Now().Add(b.s.cfg.WriteTimeout))
			}
		}
	}
}

// end sends the close that follows from r to the side that did not cause
// it. A second close to a side is refused by gorilla (ErrCloseSent), so
// only the first reason for each side counts.
func (b *bridge) end(r result) {
	other, code, reason := b.closeFor(r)
	if code == 0 {
		return
	}
	failed := r.from
	if r.write {
		failed = 1 - r.from
	}
	b.firstClose(failed.String(), code, reason)
	_ = b.conn(other).WriteControl(websocket.CloseMessage, closeMessage(code, reason), time.Now().Add(b.s.cfg.WriteTimeout))
	var ce *websocket.CloseError
	if r.write || !errors.As(r.err, &ce) {
		// Not a close frame: that connection is broken, timed out or over
		// its limit, and nothing more will come from it.
		_ = b.conn(failed).NetConn().Close()
	}
}

func (b *bridge) conn(d side) *websocket.Conn {
	if d == fromClient {
		return b.client
	}
	return b.backend
}

// closeFor decides which side gets which close after r: a close frame is
// passed on with its code and reason; a lost connection, a timeout or an
// oversized message closes the other side with 1011 and says why.
func (b *bridge) closeFor(r result) (to side, code int, reason string) {
	failed, to := r.from, 1-r.from
	if r.write {
		failed, to = to, failed
	}
	var ce *websocket.CloseError
	switch {
	case !r.write && errors.As(r.err, &ce):
		switch ce.Code {
		case websocket.CloseAbnormalClosure, websocket.CloseTLSHandshake:
			return to, websocket.CloseInternalServerErr, failed.String() + " connection lost"
		}
		return to, ce.Code, ce.Text
	case errors.Is(r.err, websocket.ErrReadLimit):
		return to, websocket.CloseInternalServerErr, failed.String() + " sent a message over the proxy's limit (--max-message-bytes)"
	case errors.Is(r.err, websocket.ErrCloseSent):
		return to, 0, "" // this side is already closing; its peer was told
	case isTimeout(r.err) && r.write:
		return to, websocket.CloseInternalServerErr, failed.String() + " stopped reading"
	case isTimeout(r.err):
		return to, websocket.CloseInternalServerErr, failed.String() + " stopped answering pings"
	default:
		return to, websocket.CloseInternalServerErr, failed.String() + " connection lost"
	}
}

func isTimeout(err error) bool {
	var te interface{ Timeout() bool }
	return errors.As(err, &te) && te.Timeout()
}

// closeMessage is a close payload; the reason is cut to the 123 bytes a
// control frame leaves for it (RFC 6455 section 5.5), on a rune boundary.
func closeMessage(code int, reason string) []byte {
	if code == websocket.CloseNoStatusReceived {
		return []byte{} // the peer sent no code: neither does the proxy
	}
	for len(reason) > 123 {
		reason = reason[:len(reason)-1]
		for len(reason) > 0 && reason[len(reason)-1]&0xC0 == 0x80 {
			reason = reason[:len(reason)-1]
		}
	}
	return websocket.FormatCloseMessage(code, reason)
}

// goingAway closes both sides with 1001 (the proxy is shutting down); the
// pumps then end as the peers answer.
func (b *bridge) goingAway() {
	b.firstClose("proxy", websocket.CloseGoingAway, "rtdev proxy is shutting down")
	for _, c := range b.conns(true) {
		if c != nil {
			_ = c.WriteControl(websocket.CloseMessage, closeMessage(websocket.CloseGoingAway, "rtdev proxy is shutting down"), time.Now().Add(b.s.cfg.WriteTimeout))
		}
	}
}

// conns returns the connections made so far; leaving marks the bridge as
// told to shut down, for a connection still to come.
func (b *bridge) conns(leaving bool) []*websocket.Conn {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.leaving = b.leaving || leaving
	return []*websocket.Conn{b.client, b.backend}
}

// drop cuts both connections at once.
func (b *bridge) drop() {
	for _, c := range b.conns(false) {
		if c != nil {
			_ = c.NetConn().Close()
		}
	}
}

func (s *Server) logWebSocket(r *http.Request, rt Route, b *bridge, start time.Time) {
	b.mu.Lock()
	closer, code, reason := b.closedBy, b.code, b.reason
	b.mu.Unlock()
	s.log.LogAttrs(r.Context(), slog.LevelInfo, "websocket",
		slog.String("path", logPath(r)),
		slog.String("backend", rt.Target.Host),
		slog.String("remote", r.RemoteAddr),
		slog.Duration("duration", time.Since(start).Round(time.Millisecond)),
		slog.Int64("client_messages", b.stats[fromClient].messages.Load()),
		slog.Int64("client_bytes", b.stats[fromClient].bytes.Load()),
		slog.Int64("backend_messages", b.stats[fromBackend].messages.Load()),
		slog.Int64("backend_bytes", b.stats[fromBackend].bytes.Load()),
		slog.String("closed_by", closer),
		slog.Int("code", code),
		slog.String("reason", textsafe.Terminal(reason)),
	)
}
