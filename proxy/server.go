package proxy

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httputil"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Server is the proxy for one listening port and its routes.
type Server struct {
	cfg       Config
	log       *slog.Logger
	errorLog  *log.Logger
	transport *http.Transport
	proxies   []*httputil.ReverseProxy // parallel to cfg.Routes
	dialer    *websocket.Dialer
	// writeBufs lends both WebSocket connections their write buffers and
	// copyBufs the pumps their copy buffers, only while a message is in
	// flight: an idle WebSocket holds neither.
	writeBufs *sync.Pool
	copyBufs  sync.Pool

	mu     sync.Mutex
	closed bool
	conns  map[*bridge]struct{}
	wg     sync.WaitGroup
}

// New checks cfg and returns a Server; an error is a *ConfigError.
func New(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg: cfg,
		log: cfg.Logger,
		// net/http's own complaints (a failed TLS handshake from a browser
		// that does not trust the CA yet) are routine: Debug.
		errorLog:  slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelDebug),
		transport: newTransport(cfg),
		conns:     map[*bridge]struct{}{},
	}
	s.writeBufs = &sync.Pool{}
	s.copyBufs.New = func() any { b := make([]byte, cfg.BufferBytes); return &b }
	s.dialer = &websocket.Dialer{
		NetDialContext:   s.transport.DialContext,
		Proxy:            nil,
		HandshakeTimeout: cfg.HandshakeTimeout,
		WriteBufferPool:  s.writeBufs,
		WriteBufferSize:  cfg.BufferBytes,
	}
	for _, rt := range cfg.Routes {
		s.proxies = append(s.proxies, s.newHTTPProxy(rt))
	}
	return s, nil
}

// Config returns the configuration in use, defaults filled in and routes
// longest path first.
func (s *Server) Config() Config { return s.cfg }

// ServeHTTP routes r to the backend of the longest matching route.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	i := s.route(r.URL.Path)
	if i >= 0 && s.cfg.Routes[i].LoopbackOnly != "" && !loopbackClient(r) {
		lw := &logWriter{ResponseWriter: w, err: "loopback only"}
		http.Error(lw, "rtdev: "+s.cfg.Routes[i].LoopbackOnly, http.StatusForbidden)
		s.logRequest(r, &s.cfg.Routes[i], lw, start)
		return
	}
	if i >= 0 && websocket.IsWebSocketUpgrade(r) {
		// Not through the logWriter: gorilla hijacks with a type
		// assertion that a wrapper would hide. The bridge logs its own line.
		s.serveWebSocket(w, r, s.cfg.Routes[i], start)
		return
	}
	lw := &logWriter{ResponseWriter: w}
	if i < 0 {
		paths := make([]string, len(s.cfg.Routes))
		for j, rt := range s.cfg.Routes {
			paths[j] = rt.Path
		}
		lw.err = "no route"
		http.Error(lw, "rtdev proxy: no route for this path; it forwards only "+strings.Join(paths, ", "), http.StatusNotFound)
		s.logRequest(r, nil, lw, start)
		return
	}
	if r.Header.Get("Upgrade") != "" && connectionNames(r.Header)["Upgrade"] {
		// ReverseProxy would splice any other protocol as raw bytes, with
		// no message limit and outside the WebSocket count.
		lw.err = "an upgrade to a protocol other than WebSocket"
		http.Error(lw, "rtdev proxy: only WebSocket upgrades are proxied; send this request without its Upgrade header", http.StatusNotImplemented)
		s.logRequest(r, &s.cfg.Routes[i], lw, start)
		return
	}
	s.proxyHTTP(lw, r, i, start)
}

// proxyHTTP sends r to route i's backend under the exchange's limits.
func (s *Server) proxyHTTP(lw *logWriter, r *http.Request, i int, start time.Time) {
	rt := &s.cfg.Routes[i]
	x, out := s.newExchange(lw, r, *rt)
	defer x.finish()
	defer func() {
		// ReverseProxy ends a response it cannot finish, its headers
		// already sent, with this panic; net/http then drops the
		// connection. The access line is written first, with the reason.
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				if _, lw.err = x.problem(); lw.err == "" {
					lw.err = "the backend's response broke off"
					if r.Context().Err() != nil {
						lw.err = "client went away"
					}
				}
				s.logRequest(r, rt, lw, start)
			}
			panic(v)
		}
	}()
	s.proxies[i].ServeHTTP(lw, out)
	s.logRequest(r, rt, lw, start)
}

// Matches reports whether a route claims the request path, so a server
// that mounts the proxy beside its own handlers (rtdev serve --route) can
// send it only what it routes.
func (s *Server) Matches(path string) bool { return s.route(path) >= 0 }

func (s *Server) route(p string) int {
	for i, rt := range s.cfg.Routes {
		if matches(rt.Path, p) {
			return i
		}
	}
	return -1
}

// Serve serves HTTPS and WSS on every listener in lns until ctx ends, then
// drains: it stops accepting, lets HTTP requests finish, sends every
// WebSocket (both sides) a 1001 close, waits up to ShutdownTimeout and
// returns nil. The listeners are closed when it returns.
//
// tlsConf is required; Serve offers only http/1.1 over ALPN, because a
// WebSocket upgrade is an HTTP/1.1 request.
func (s *Server) Serve(ctx context.Context, lns []net.Listener, tlsConf *tls.Config) error {
	if tlsConf == nil || (len(tlsConf.Certificates) == 0 && tlsConf.GetCertificate == nil && tlsConf.GetConfigForClient == nil) {
		return errors.New("proxy: a TLS configuration with a certificate is required")
	}
	if len(lns) == 0 {
		return errors.New("proxy: no listener")
	}
	conf := tlsConf.Clone()
	conf.MinVersion = max(conf.MinVersion, tls.VersionTLS12)
	conf.NextProtos = []string{"http/1.1"}
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: s.cfg.HandshakeTimeout, // also bounds the TLS handshake
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    s.cfg.MaxHeaderBytes,
		TLSNextProto:      map[string]func(*http.Server, *tls.Conn, http.Handler){},
		ErrorLog:          s.errorLog,
	}
	errc := make(chan error, len(lns))
	for _, ln := range lns {
		go func() { errc <- hs.Serve(tls.NewListener(ln, conf)) }()
	}
	var serveErr error
	select {
	case serveErr = <-errc:
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	// Shutdown closes the listeners and waits for HTTP requests; the
	// WebSockets are hijacked, so they are closed here, at the same time.
	done := make(chan struct{})
	go func() { _ = hs.Shutdown(sctx); close(done) }()
	if err := s.Shutdown(sctx); err != nil {
		s.log.Warn("shutdown: dropped WebSockets that did not close in time", "timeout", s.cfg.ShutdownTimeout)
	}
	<-done
	_ = hs.Close()
	s.transport.CloseIdleConnections()
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("proxy on %s: %w", lns[0].Addr(), serveErr)
	}
	return nil
}

// Shutdown closes every WebSocket with 1001 on both sides and waits for
// them to end; when ctx ends first it drops the rest and returns ctx's
// error. The Server accepts no WebSockets afterwards.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	open := make([]*bridge, 0, len(s.conns))
	for b := range s.conns {
		open = append(open, b)
	}
	s.mu.Unlock()
	for _, b := range open {
		b.goingAway()
	}
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	for _, b := range open {
		b.drop()
	}
	<-done
	return fmt.Errorf("shutdown: %w", ctx.Err())
}

// admit records a new bridge; it fails when shutting down or full.
func (s *Server) admit(b *bridge) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.closed:
		return errShuttingDown
	case len(s.conns) >= s.cfg.MaxWebSockets:
		return errTooMany
	}
	s.conns[b] = struct{}{}
	s.wg.Add(1)
	return nil
}

func (s *Server) release(b *bridge) {
	s.mu.Lock()
	delete(s.conns, b)
	s.mu.Unlock()
	s.wg.Done()
}

var (
	errShuttingDown = errors.New("the proxy is shutting down")
	errTooMany      = errors.New("too many WebSockets open at once")
)
