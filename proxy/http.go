package proxy

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"syscall"
)

// newHTTPProxy is the reverse proxy for one route's plain HTTP requests.
func (s *Server) newHTTPProxy(rt Route) *httputil.ReverseProxy {
	target := &url.URL{Scheme: "http", Host: rt.Target.Host}
	return &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			// SetURL keeps the request's own path and sets Host to the
			// backend's; SetXForwarded sets X-Forwarded-For, -Host and
			// -Proto ("https": the client came over TLS). Origin is not
			// touched, so the backend's CORS and origin checks see the page.
			pr.SetURL(target)
			pr.SetXForwarded()
			// ReverseProxy leaves X-Real-IP as the client sent it.
			pr.Out.Header.Set("X-Real-IP", clientIP(pr.In))
			if s.cfg.KeepHost {
				pr.Out.Host = pr.In.Host
			}
		},
		Transport: s.transport,
		// ReverseProxy already flushes at once for text/event-stream and
		// for bodies of unknown length (chunked); -1 also covers a
		// backend that streams with a Content-Length, so nothing the
		// backend sends waits in the proxy.
		FlushInterval: -1,
		ModifyResponse: func(res *http.Response) error {
			if x := exchangeOf(res.Request); x != nil {
				x.respond(res)
			}
			return nil
		},
		ErrorLog: s.errorLog,
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			s.backendError(w, r, rt, err)
		},
	}
}

// newTransport dials backends directly: no HTTP_PROXY from the
// environment (the backend is on this machine), no compression added or
// removed (bodies pass as the backend sent them), HTTP/1.1 only.
func newTransport(cfg Config) *http.Transport {
	d := &net.Dialer{Timeout: cfg.HandshakeTimeout}
	return &http.Transport{
		Proxy:                  nil,
		DialContext:            d.DialContext,
		DisableCompression:     true,
		MaxResponseHeaderBytes: int64(cfg.MaxHeaderBytes),
		MaxIdleConnsPerHost:    64,
		IdleConnTimeout:        cfg.IdleTimeout,
		ForceAttemptHTTP2:      false,
	}
}

// backendError answers a request the backend could not: 502 with a text
// naming the backend address and what to do. The access line records the
// error, so it costs one log line, not two.
func (s *Server) backendError(w http.ResponseWriter, r *http.Request, rt Route, err error) {
	if x := exchangeOf(r); x != nil {
		// The proxy's own limits cut it: that is the answer, whatever
		// the transport made of the cut.
		if status, msg := x.problem(); status != 0 {
			setLogError(w, msg)
			http.Error(w, msg, status)
			return
		}
	}
	if errors.Is(err, context.Canceled) && r.Context().Err() != nil {
		// The client went away first; there is no one to answer.
		setLogError(w, "client went away")
		return
	}
	msg := backendProblem(rt, err)
	setLogError(w, msg)
	http.Error(w, msg, http.StatusBadGateway)
}

// backendProblem says in one sentence why the backend did not answer.
func backendProblem(rt Route, err error) string {
	from := rt.from()
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("nothing listens on %s: start your server, or check %s", rt.Target.Host, from)
	case errors.As(err, &ne) && ne.Timeout():
		return fmt.Sprintf("%s did not answer in time: check that your server is running and not stuck, or check %s", rt.Target.Host, from)
	default:
		return fmt.Sprintf("the backend at %s failed: %v", rt.Target.Host, err)
	}
}

// from names where the target was given, for a message that says what to
// check.
func (rt Route) from() string {
	if rt.From == "" {
		return "the proxy target"
	}
	return rt.From
}
