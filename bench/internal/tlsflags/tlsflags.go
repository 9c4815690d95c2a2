package tlsflags

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"
)

// Flags are -port, -cert and -key.
type Flags struct {
	Port     int
	CertFile string
	KeyFile  string
}

// Register adds the flags to fs.
func Register(fs *flag.FlagSet) *Flags {
	f := &Flags{}
	fs.IntVar(&f.Port, "port", 9000, "TCP port on 127.0.0.1")
	fs.StringVar(&f.CertFile, "cert", "cert.pem", "PEM certificate")
	fs.StringVar(&f.KeyFile, "key", "key.pem", "PEM private key")
	return f
}

// Listen loads the certificate and listens on 127.0.0.1:Port; the servers
// under test never listen beyond loopback.
func (f *Flags) Listen() (net.Listener, tls.Certificate, error) {
	cert, err := tls.LoadX509KeyPair(f.CertFile, f.KeyFile)
	if err != nil {
		return nil, tls.Certificate{}, fmt.Errorf("load certificate: %w", err)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(f.Port)))
	if err != nil {
		return nil, tls.Certificate{}, fmt.Errorf("listen: %w", err)
	}
	return ln, cert, nil
}

// SignalContext ends on SIGINT or SIGTERM, which the harness sends to stop
// a server.
func SignalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// ServeUntilSignal runs serve (hs.Serve or hs.ServeTLS on a listener)
// until SIGINT or SIGTERM, then shuts hs down, giving open requests 5 s.
// Hijacked connections (WebSockets) are the caller's to close afterwards.
// If serving ends first, its error is returned.
func ServeUntilSignal(hs *http.Server, serve func() error) error {
	ctx, stop := SignalContext()
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- serve() }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}
