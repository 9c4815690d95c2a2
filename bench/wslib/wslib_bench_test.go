package wslib

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	cws "github.com/coder/websocket"
	"github.com/gorilla/websocket"

	"github.com/rtdev/rtdev/ca"
)

// These benchmarks chose the WebSocket library (devserver's doc comment
// has the numbers): a 4 KiB text message goes A -> server -> B over TLS on
// loopback, the path every OFFER/ANSWER/CANDIDATE takes. Each side uses the
// library under test.
//
//	cd bench && go test -run XXX -bench WSLib -benchtime 3s ./wslib

const benchMsgSize = 4 << 10

// benchServer starts a TLS server whose handler pairs the first two
// connections and relays everything the first sends to the second. Its
// certificate is what `rtdev init` gives a project: an ECDSA leaf from a
// fresh rtdev CA, made by the ca package.
func benchServer(b *testing.B, h http.Handler) (addr string, clientTLS *tls.Config) {
	b.Helper()
	authority, err := ca.Create(filepath.Join(b.TempDir(), "ca"), ca.CreateOptions{})
	if err != nil {
		b.Fatal(err)
	}
	names, err := ca.ParseNames([]string{"bench.localhost", "localhost", "127.0.0.1"})
	if err != nil {
		b.Fatal(err)
	}
	leaf, err := authority.Issue(ca.LeafOptions{Names: names})
	if err != nil {
		b.Fatal(err)
	}
	cert, err := tls.X509KeyPair(leaf.CertPEM, leaf.KeyPEM)
	if err != nil {
		b.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(authority.Cert)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	conf := &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"}}
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(tls.NewListener(ln, conf)) }()
	b.Cleanup(func() { _ = srv.Close() })
	return ln.Addr().String(), &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
}

// pairer hands the second arriving connection to the first.
type pairer[T any] struct {
	mu   sync.Mutex
	wait chan T
}

func (p *pairer[T]) meet(c T) (peer T, first bool) {
	p.mu.Lock()
	if p.wait == nil {
		p.wait = make(chan T, 1)
		ch := p.wait
		p.mu.Unlock()
		return <-ch, true
	}
	ch := p.wait
	p.wait = nil
	p.mu.Unlock()
	ch <- c
	return peer, false
}

func BenchmarkWSLibGorilla(b *testing.B) {
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	var p pairer[*websocket.Conn]
	addr, ctls := benchServer(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		dst, first := p.meet(c)
		if !first {
			// The receiving side: keep the connection until the client leaves.
			for {
				if _, _, err := c.ReadMessage(); err != nil {
					return
				}
			}
		}
		for {
			_, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			if err := dst.WriteMessage(websocket.TextMessage, msg); err != nil {
				return
			}
		}
	}))
	d := websocket.Dialer{TLSClientConfig: ctls}
	a, _, err := d.Dial("wss://"+addr+"/", nil)
	if err != nil {
		b.Fatal(err)
	}
	defer a.Close()
	bb, _, err := d.Dial("wss://"+addr+"/", nil)
	if err != nil {
		b.Fatal(err)
	}
	defer bb.Close()
	msg := []byte(strings.Repeat("x", benchMsgSize))
	b.SetBytes(benchMsgSize)
	b.ResetTimer()
	for b.Loop() {
		if err := a.WriteMessage(websocket.TextMessage, msg); err != nil {
			b.Fatal(err)
		}
		_, got, err := bb.ReadMessage()
		if err != nil || !bytes.Equal(got, msg) {
			b.Fatal("relay failed", err)
		}
	}
}

func BenchmarkWSLibCoder(b *testing.B) {
	var p pairer[*cws.Conn]
	addr, ctls := benchServer(b, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := cws.Accept(w, r, &cws.AcceptOptions{InsecureSkipVerify: true})
		if err != nil {
			return
		}
		defer c.CloseNow()
		ctx := r.Context()
		dst, first := p.meet(c)
		if !first {
			for {
				if _, _, err := c.Read(ctx); err != nil {
					return
				}
			}
		}
		for {
			_, msg, err := c.Read(ctx)
			if err != nil {
				return
			}
			if err := dst.Write(ctx, cws.MessageText, msg); err != nil {
				return
			}
		}
	}))
	ctx := context.Background()
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: ctls}}
	opts := &cws.DialOptions{HTTPClient: hc}
	a, _, err := cws.Dial(ctx, "wss://"+addr+"/", opts)
	if err != nil {
		b.Fatal(err)
	}
	defer a.CloseNow()
	bb, _, err := cws.Dial(ctx, "wss://"+addr+"/", opts)
	if err != nil {
		b.Fatal(err)
	}
	defer bb.CloseNow()
	msg := []byte(strings.Repeat("x", benchMsgSize))
	b.SetBytes(benchMsgSize)
	b.ResetTimer()
	for b.Loop() {
		if err := a.Write(ctx, cws.MessageText, msg); err != nil {
			b.Fatal(err)
		}
		_, got, err := bb.Read(ctx)
		if err != nil || !bytes.Equal(got, msg) {
			b.Fatal("relay failed", err)
		}
	}
}
