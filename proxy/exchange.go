package proxy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// exchange is one proxied HTTP request and the limits on it: how its body
// may arrive from the client, and how long its response may stand still.
// None of it needs a goroutine: the body sets the connection's read
// deadline before each read, the response its write deadline after each
// chunk, and one timer watches the backend.
type exchange struct {
	s  *Server
	rt Route
	rc *http.ResponseController
	// ctx is the backend request's context; its cause says who ended it.
	ctx    context.Context
	cancel context.CancelCauseFunc
	body   *limitedBody // nil for a request without a body

	// idle fires when the backend has sent nothing for IdleTimeout and
	// cancels the backend request. A request body chunk and each wait for
	// a response chunk start it again; an event stream stops it.
	idle      *time.Timer
	streaming atomic.Bool
	// writing is set while a response chunk goes to the client, from
	// sendStart (unix nanoseconds): that wait is the client's, bounded by
	// the write deadline, not the backend's.
	writing   atomic.Bool
	sendStart atomic.Int64
}

type exchangeKey struct{}

// Causes of an exchange's end, as context causes on the backend request.
var (
	errBackendIdle  = errors.New("the backend sent nothing")
	errExchangeDone = errors.New("the request is over")
)

// newExchange sets the limits on r, returning the request to proxy: its
// context carries the exchange and ends with it, and its body (if any)
// keeps MinBodyRate and BodyTimeout.
func (s *Server) newExchange(w http.ResponseWriter, r *http.Request, rt Route) (*exchange, *http.Request) {
	ctx, cancel := context.WithCancelCause(r.Context())
	x := &exchange{s: s, rt: rt, rc: http.NewResponseController(w), ctx: ctx, cancel: cancel}
	x.idle = time.AfterFunc(s.cfg.IdleTimeout, func() {
		// During a write the client is the one waited on; the next read
		// from the backend starts the timer again.
		if !x.writing.Load() && !x.streaming.Load() {
			cancel(errBackendIdle)
		}
	})
	r = r.WithContext(context.WithValue(ctx, exchangeKey{}, x))
	// A server that cannot set read deadlines (none in rtdev) leaves the
	// body unbounded rather than failing every request.
	if r.Body != nil && r.Body != http.NoBody && x.rc.SetReadDeadline(time.Time{}) == nil {
		x.body = &limitedBody{x: x, body: r.Body, start: time.Now()}
		r.Body = x.body
	}
	return x, r
}

func exchangeOf(r *http.Request) *exchange {
	x, _ := r.Context().Value(exchangeKey{}).(*exchange)
	return x
}

// moved records progress: the idle time starts again.
func (x *exchange) moved() {
	if !x.streaming.Load() {
		x.idle.Reset(x.s.cfg.IdleTimeout)
	}
}

// respond starts the response phase: an event stream may stay quiet as
// long as it likes (its server sends when something happens), every
// other body is watched chunk by chunk.
func (x *exchange) respond(res *http.Response) {
	if res.StatusCode == http.StatusSwitchingProtocols {
		// ReverseProxy refuses a 101 to a request that asked for no
		// upgrade, and this proxy lets none through it; the body must stay
		// the backend's connection for that check.
		x.idle.Stop()
		return
	}
	if isEventStream(res.Header.Get("Content-Type")) {
		x.streaming.Store(true)
		x.idle.Stop()
	} else {
		x.moved()
	}
	x.sending()
	res.Body = &watchedBody{x: x, body: res.Body}
}

// sending gives the next write to the client IdleTimeout to complete, so
// a client that stops reading cannot hold the handler, the backend
// connection and its buffers.
func (x *exchange) sending() {
	now := time.Now()
	x.sendStart.Store(now.UnixNano())
	x.writing.Store(true)
	_ = x.rc.SetWriteDeadline(now.Add(x.s.cfg.IdleTimeout))
}

// finish stops the timer and ends the backend request. The write deadline
// is cleared: a keep-alive connection may next carry a request for
// another handler (rtdev serve mounts the proxy beside its own), which
// must not inherit it. What net/http still writes after the handler is at
// most its buffer, which the socket takes without waiting.
func (x *exchange) finish() {
	x.idle.Stop()
	x.cancel(errExchangeDone)
	_ = x.rc.SetWriteDeadline(time.Time{})
}

// problem says why the exchange was cut, or "" when it was not.
func (x *exchange) problem() (status int, msg string) {
	if x.body != nil {
		if msg := x.body.cutReason(); msg != "" {
			return http.StatusRequestTimeout, msg
		}
	}
	idle := x.s.cfg.IdleTimeout
	if context.Cause(x.ctx) == errBackendIdle {
		return http.StatusGatewayTimeout, fmt.Sprintf("%s sent nothing for %v: check that your server is not stuck, or check %s", x.rt.Target.Host, idle, x.rt.from())
	}
	// A write that ran into its deadline looks to net/http like a client
	// that went away; the time it took says otherwise.
	if x.writing.Load() && time.Since(time.Unix(0, x.sendStart.Load())) >= idle {
		return 0, fmt.Sprintf("the client read nothing for %v, so the proxy cut the response", idle)
	}
	return 0, ""
}

// watchedBody is the backend's response body as the proxy copies it.
type watchedBody struct {
	x    *exchange
	body io.ReadCloser
}

func (b *watchedBody) Read(p []byte) (int, error) {
	b.x.writing.Store(false)
	b.x.moved()
	n, err := b.body.Read(p)
	b.x.sending()
	return n, err
}

func (b *watchedBody) Close() error { return b.body.Close() }

// isEventStream reports whether a Content-Type is text/event-stream,
// whatever its parameters.
func isEventStream(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "text/event-stream"
}

// limitedBody is a request body that must keep MinBodyRate: the time the
// proxy has spent waiting for it may not pass BodyGrace plus the bytes so
// far over MinBodyRate. Only time spent waiting on the client counts, so
// a backend that reads slowly does not get its client cut. The whole body
// must also be in by BodyTimeout from the request's start. Each read runs
// under a read deadline on the client's connection that says both.
type limitedBody struct {
	x     *exchange
	body  io.ReadCloser
	start time.Time

	mu     sync.Mutex
	n      int64         // bytes read
	waited time.Duration // time spent in reads
	done   bool          // EOF or Close: deadlines are no longer the body's
	cut    string        // why the body was cut
}

func (b *limitedBody) Read(p []byte) (int, error) {
	cfg := b.x.s.cfg
	b.mu.Lock()
	if b.done || b.cut != "" {
		b.mu.Unlock()
		return b.body.Read(p)
	}
	t0 := time.Now()
	_ = b.x.rc.SetReadDeadline(b.deadline(t0))
	b.mu.Unlock()

	n, err := b.body.Read(p)

	b.mu.Lock()
	defer b.mu.Unlock()
	b.n += int64(n)
	b.waited += time.Since(t0)
	switch {
	case err == io.EOF:
		// net/http has begun watching the connection for the client going
		// away, and would take this body's deadline for it.
		b.done = true
		_ = b.x.rc.SetReadDeadline(time.Time{})
	case err != nil && isTimeout(err):
		// The deadline stays in the past, so whatever net/http still reads
		// of this body fails at once and the connection is closed after
		// the 408.
		if !time.Now().Before(b.start.Add(cfg.BodyTimeout)) {
			b.cut = fmt.Sprintf("the request body took longer than %v, so the proxy cut it: send a smaller body", cfg.BodyTimeout)
		} else {
			b.cut = fmt.Sprintf("the request body came slower than %d bytes a second, so the proxy cut it: check the client's connection", cfg.MinBodyRate)
		}
		return n, &bodyCutError{msg: b.cut, err: err}
	}
	if n > 0 {
		b.x.moved()
	}
	return n, err
}

// deadline is when the next read must have returned: the wait the rate
// still allows, and never past BodyTimeout.
func (b *limitedBody) deadline(now time.Time) time.Time {
	cfg := b.x.s.cfg
	end := b.start.Add(cfg.BodyTimeout)
	// n/MinBodyRate seconds, capped before it can overflow a Duration.
	earned := cfg.BodyTimeout
	if secs := b.n / cfg.MinBodyRate; secs < int64(cfg.BodyTimeout/time.Second) {
		earned = time.Duration(secs)*time.Second + time.Duration(b.n%cfg.MinBodyRate)*time.Second/time.Duration(cfg.MinBodyRate)
	}
	if d := now.Add(cfg.BodyGrace + earned - b.waited); d.Before(end) {
		return d
	}
	return end
}

// Close ends the body early (the backend answered or failed before
// reading it all). net/http's own Close reads what is left (up to 256
// KiB, to reuse the connection), under a deadline set here by the same
// rule, so a client that stops sending cannot hold the handler there
// either. The deadline is cleared afterwards: if that read found the end,
// net/http now watches the connection for the client going away and
// would take the deadline for it; if not, it reads nothing more and
// closes the connection after the response.
func (b *limitedBody) Close() error {
	b.mu.Lock()
	early := !b.done && b.cut == ""
	b.done = true
	if early {
		_ = b.x.rc.SetReadDeadline(b.deadline(time.Now()))
	}
	b.mu.Unlock()
	err := b.body.Close()
	if early {
		_ = b.x.rc.SetReadDeadline(time.Time{})
	}
	return err
}

func (b *limitedBody) cutReason() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.cut
}

// bodyCutError is the read error of a body cut for its pace.
type bodyCutError struct {
	msg string
	err error
}

func (e *bodyCutError) Error() string { return e.msg }
func (e *bodyCutError) Unwrap() error { return e.err }
