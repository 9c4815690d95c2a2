package devserver

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"

	"github.com/gorilla/websocket"
)

// Serve serves HTTPS and WSS on ln until ctx ends, then shuts down
// gracefully: it stops accepting, sends every peer a 1001 close frame, waits
// up to ShutdownTimeout for the connections to end and returns nil.
//
// tlsConf is required; Serve uses a copy with TLS 1.2 as the minimum and
// "http/1.1" as the only ALPN protocol, because a WebSocket upgrade is an
// HTTP/1.1 request (RFC 6455; browsers do not use RFC 8441 over h2 here).
// A plain-HTTP request on ln gets a short text answer naming the https://
// and wss:// URLs instead of a TLS error. extra, which may be nil, gets every
// request the PeerJS routes do not claim.
//
// A Server serves until its first Serve returns; serve several listeners
// with one ServeListeners call.
func (s *Server) Serve(ctx context.Context, ln net.Listener, tlsConf *tls.Config, extra http.Handler) error {
	return s.ServeListeners(ctx, []net.Listener{ln}, tlsConf, extra)
}

// ServeListeners is Serve on every listener in lns (rtdev serve's 127.0.0.1
// and ::1) with one http.Server, so one Shutdown ends them all and each
// keeps accepting on its own: http.Server backs off and retries after an
// accept error such as EMFILE instead of giving up on that listener.
func (s *Server) ServeListeners(ctx context.Context, lns []net.Listener, tlsConf *tls.Config, extra http.Handler) error {
	if tlsConf == nil {
		return errors.New("serve: a TLS configuration is required")
	}
	if len(tlsConf.Certificates) == 0 && tlsConf.GetCertificate == nil && tlsConf.GetConfigForClient == nil {
		return errors.New("serve: the TLS configuration has no certificate")
	}
	conf := tlsConf.Clone()
	conf.MinVersion = max(conf.MinVersion, tls.VersionTLS12)
	conf.NextProtos = []string{"http/1.1"}

	hs := &http.Server{
		Handler:           s.Handler(extra),
		ReadHeaderTimeout: s.cfg.HandshakeTimeout, // also bounds the TLS handshake
		IdleTimeout:       s.cfg.IdleReadTimeout,
		MaxHeaderBytes:    64 << 10,
		// An empty map turns HTTP/2 off even if a caller's config offers h2.
		TLSNextProto: map[string]func(*http.Server, *tls.Conn, http.Handler){},
		// net/http reports failed TLS handshakes here; they are routine
		// (a browser that does not trust the CA yet), so keep them at Debug.
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	errc := make(chan error, len(lns))
	for _, ln := range lns {
		sl := &sniffListener{Listener: ln, s: s}
		go func() { errc <- serveError(ln, hs.Serve(tls.NewListener(sl, conf))) }()
		s.log.Info("signaling server listening", "addr", ln.Addr().String(), "path", s.cfg.Path, "websocket", s.WebSocketPath())
	}

	var serveErr error
	pending := len(lns)
	select {
	case serveErr = <-errc:
		pending--
	case <-ctx.Done():
	}
	// The HTTP server and the WebSockets shut down side by side, each given
	// the whole ShutdownTimeout (one deadline, both starting now). One after
	// the other, a single TCP connection that never sent its first request
	// held every peer back: http.Server.Shutdown counts such a connection
	// as busy for 5 s (net/http closeIdleConns), and the peers then got
	// their sockets dropped (1006) instead of a prompt 1001.
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	httpDone := make(chan struct{})
	go func() {
		defer close(httpDone)
		// Shutdown closes ln; hijacked WebSockets are not its to close.
		if hs.Shutdown(sctx) != nil {
			_ = hs.Close() // what is left (a stalled handshake) is dropped
		}
	}()
	if err := s.Shutdown(sctx); err != nil {
		s.log.Warn("shutdown: dropped connections that did not close in time", "timeout", s.cfg.ShutdownTimeout)
	}
	<-httpDone
	for ; pending > 0; pending-- {
		if err := <-errc; serveErr == nil {
			serveErr = err
		}
	}
	return serveErr
}

// serveError is what one listener's Serve ended with: nil after Shutdown.
func serveError(ln net.Listener, err error) error {
	if err == nil || errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return fmt.Errorf("serve %s: %w", ln.Addr(), err)
}

// Shutdown closes every WebSocket with 1001 and waits for them to end; when
// ctx ends first it drops the rest and returns ctx's error. Serve calls it;
// call it yourself when the Server is mounted in your own http.Server.
// The Server accepts no connections afterwards.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closed = true
	admitted := make([]*client, 0, len(s.conns))
	for _, c := range s.conns {
		if c != nil {
			admitted = append(admitted, c)
		}
	}
	s.mu.Unlock()
	s.realm.close()
	for _, c := range admitted {
		c.stop(closeReq{code: closeGoingAway, reason: "server shutting down"})
	}
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	// The broker outlives the sessions, which release their claims as
	// they end.
	defer s.broker.close()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
	}
	s.mu.Lock()
	for ws := range s.conns {
		_ = ws.Close()
	}
	s.mu.Unlock()
	<-done
	return fmt.Errorf("shutdown: %w", ctx.Err())
}

// track records a new connection for Shutdown; false means shutting down.
func (s *Server) track(ws *websocket.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.wg.Add(1)
	s.conns[ws] = nil
	return true
}

// attach records the admitted client of ws and reports whether Shutdown has
// begun, in which case the caller stops the client itself.
func (s *Server) attach(ws *websocket.Conn, c *client) (closing bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.conns[ws] = c
	return s.closed
}

func (s *Server) untrack(ws *websocket.Conn) {
	s.mu.Lock()
	delete(s.conns, ws)
	s.mu.Unlock()
	s.wg.Done()
}
