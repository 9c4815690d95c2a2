package main

import (
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"flag"
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/rtdev/rtdev/bench/internal/tlsflags"
)

func main() {
	f := tlsflags.Register(flag.CommandLine)
	flag.Parse()
	if err := run(f); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

func run(f *tlsflags.Flags) error {
	ln, cert, err := f.Listen()
	if err != nil {
		return err
	}
	r := &relay{peers: map[string]*peer{}}
	hs := &http.Server{
		Handler:           r.routes(),
		ReadHeaderTimeout: 10 * time.Second,
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{cert}, NextProtos: []string{"http/1.1"}},
		TLSNextProto:      map[string]func(*http.Server, *tls.Conn, http.Handler){},
	}
	fmt.Fprintf(os.Stderr, "floor listening on %s\n", ln.Addr())
	if err := tlsflags.ServeUntilSignal(hs, func() error { return hs.ServeTLS(ln, "", "") }); err != nil {
		return err
	}
	r.closeAll()
	return nil
}

// relay maps ids to connections.
type relay struct {
	mu    sync.RWMutex
	peers map[string]*peer
}

type peer struct {
	mu sync.Mutex // one writer at a time, as gorilla/websocket requires
	ws *websocket.Conn
}

var (
	upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	openMsg  = []byte(`{"type":"OPEN"}`)
	dstKey   = []byte(`"dst":"`)
	quote    = []byte(`"`)
)

func (r *relay) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"name":"floor"}`))
	})
	mux.HandleFunc("GET /{key}/id", func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(rand.Text()))
	})
	mux.HandleFunc("GET /peerjs", r.serveWS)
	return mux
}

func (r *relay) serveWS(w http.ResponseWriter, req *http.Request) {
	id := req.URL.Query().Get("id")
	ws, err := upgrader.Upgrade(w, req, nil)
	if err != nil {
		return
	}
	p := &peer{ws: ws}
	r.mu.Lock()
	r.peers[id] = p
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		if r.peers[id] == p {
			delete(r.peers, id)
		}
		r.mu.Unlock()
		_ = ws.Close()
	}()
	if p.write(openMsg) != nil {
		return
	}
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		dst := dstOf(data)
		if dst == "" {
			continue // HEARTBEAT and anything without a destination
		}
		r.mu.RLock()
		to := r.peers[dst]
		r.mu.RUnlock()
		if to != nil {
			_ = to.write(data)
		}
	}
}

func (p *peer) write(b []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	_ = p.ws.SetWriteDeadline(time.Now().Add(10 * time.Second))
	return p.ws.WriteMessage(websocket.TextMessage, b)
}

// dstOf finds the value of the first "dst" key by scanning, not parsing: the
// floor does no validation. The load generator never escapes ids.
func dstOf(b []byte) string {
	if _, rest, ok := bytes.Cut(b, dstKey); ok {
		if v, _, ok := bytes.Cut(rest, quote); ok {
			return string(v)
		}
	}
	return ""
}

func (r *relay) closeAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, p := range r.peers {
		_ = p.ws.Close()
	}
}
