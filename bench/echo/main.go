package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/gorilla/websocket"

	"github.com/rtdev/rtdev/bench/internal/tlsflags"
)

// maxBody bounds one echoed HTTP body and one WebSocket message: the
// benchmark's largest is 64 KiB, and the bound keeps a stray client from
// making the backend hold more.
const maxBody = 1 << 20

func main() {
	port := flag.Int("port", 8000, "TCP port on 127.0.0.1")
	flag.Parse()
	if err := run(*port); err != nil {
		fmt.Fprintln(os.Stderr, "echo:", err)
		os.Exit(1)
	}
}

func run(port int) error {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	hs := &http.Server{Handler: routes(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(os.Stderr, "echo listening on %s\n", ln.Addr())
	// The load generator has closed its WebSockets by the time the harness
	// stops the backend, so none is left to close here.
	return tlsflags.ServeUntilSignal(hs, func() error { return hs.Serve(ln) })
}

// The proxy checks no Origin of its own and passes the page's on; a dev
// server on loopback accepting any is what the benchmark stands in for.
var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"name":"echo"}`))
	})
	mux.HandleFunc("POST /echo", func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write(body)
	})
	mux.HandleFunc("GET /ws", serveWS)
	return mux
}

// serveWS echoes each message whole, as a typical dev server handles one:
// read it, then write it back.
func serveWS(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer ws.Close()
	ws.SetReadLimit(maxBody)
	for {
		typ, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		if err := ws.WriteMessage(typ, data); err != nil {
			return
		}
	}
}
