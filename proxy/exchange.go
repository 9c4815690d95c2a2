package proxy

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// exchange is one proxied HTTP request and the limits on it. None of it
// needs a goroutine: the body sets the connection's read deadline before
// each read.
type exchange struct {
	s    *Server
	rc   *http.ResponseController
	body *limitedBody // nil for a request without a body
}

type exchangeKey struct{}

// newExchange sets the limits on r, returning the request to proxy: its
// context carries the exchange, and its body (if any) keeps MinBodyRate
// and BodyTimeout.
func (s *Server) newExchange(w http.ResponseWriter, r *http.Request) (*exchange, *http.Request) {
	x := &exchange{s: s, rc: http.NewResponseController(w)}
	r = r.WithContext(context.WithValue(r.Context(), exchangeKey{}, x))
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

// problem says why the exchange was cut, or "" when it was not.
func (x *exchange) problem() (status int, msg string) {
	if x.body != nil {
		if msg := x.body.cutReason(); msg != "" {
			return http.StatusRequestTimeout, msg
		}
	}
	return 0, ""
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
