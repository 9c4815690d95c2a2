package devserver

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/gorilla/websocket"
)

// infoJSON is GET {path}, byte for byte peerjs-server's app.json.
const infoJSON = `{"name":"PeerJS Server","description":"A server side element to broker connections between PeerJS clients.","website":"https://peerjs.com/"}`

// maxIDAttempts bounds the calls to GenerateID for one /id request; upstream
// loops forever, which a generator with few values would turn into a hang.
const maxIDAttempts = 32

// Server is a PeerJS-compatible signaling server. It is an http.Handler for
// the PeerJS routes; Serve runs it on a TLS listener.
type Server struct {
	cfg      Config
	log      *slog.Logger
	upgrader *websocket.Upgrader
	realm    realm
	stats    counters
	budget   byteBudget
	broker   broker // memoryBroker, or clusterBroker with Config.ClusterURL
	// forwardToken is the SHA-256 of Config.ForwardToken, nil without one.
	forwardToken []byte

	mu     sync.Mutex
	conns  map[*websocket.Conn]*client // nil client: not admitted yet
	closed bool
	wg     sync.WaitGroup // one per tracked connection
}

// New validates cfg, fills in its defaults and returns a Server. An invalid
// field gives a *ConfigError naming it.
func New(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:      cfg,
		log:      cfg.Logger,
		upgrader: newUpgrader(cfg),
		budget:   byteBudget{max: cfg.MaxQueuedBytes},
		conns:    make(map[*websocket.Conn]*client),
	}
	s.realm.init(&s.budget)
	if cfg.ForwardToken != "" {
		sum := sha256.Sum256([]byte(cfg.ForwardToken))
		s.forwardToken = sum[:]
	}
	s.broker = memoryBroker{s}
	if cfg.ClusterURL != "" {
		b, err := newClusterBroker(s)
		if err != nil {
			return nil, err
		}
		s.broker = b
	}
	return s, nil
}

// Config returns the configuration in use, defaults filled in.
func (s *Server) Config() Config { return s.cfg }

// WebSocketPath is where clients connect: {path}peerjs.
func (s *Server) WebSocketPath() string { return s.cfg.Path + "peerjs" }

// ServeHTTP serves the PeerJS routes and answers 404 to anything else (400
// to a WebSocket upgrade elsewhere, as ws does).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.route(w, r, nil) }

// Handler returns a handler that serves the PeerJS routes and passes every
// other request, WebSocket upgrades included, to extra. A nil extra gives
// ServeHTTP's behaviour.
func (s *Server) Handler(extra http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { s.route(w, r, extra) })
}

// route kinds under {path}.
type route int

const (
	routeNone route = iota
	routeInfo
	routeID
	routePeers
)

// match maps a request path to a PeerJS route. Express, which upstream
// uses, ignores a trailing slash and letter case in routes.
func (s *Server) match(p string) route {
	base := s.cfg.Path
	if p == base || p+"/" == base {
		return routeInfo
	}
	rest, ok := strings.CutPrefix(p, base)
	if !ok {
		return routeNone
	}
	key, name, ok := strings.Cut(strings.TrimSuffix(rest, "/"), "/")
	if !ok || key == "" || strings.Contains(name, "/") {
		return routeNone
	}
	switch {
	case strings.EqualFold(name, "id"):
		return routeID
	case strings.EqualFold(name, "peers"):
		return routePeers
	}
	return routeNone
}

func (s *Server) route(w http.ResponseWriter, r *http.Request, extra http.Handler) {
	r = s.clientView(r)
	upgrade := websocket.IsWebSocketUpgrade(r)
	if r.URL.Path == s.WebSocketPath() && upgrade {
		s.serveWS(w, r)
		return
	}
	rt := s.match(r.URL.Path)
	if upgrade {
		// ws answers every upgrade off its path with 400, even on a
		// PeerJS HTTP route; an extra handler (a --route backend) may
		// take it instead.
		rt = routeNone
	}
	if rt == routeInfo && r.URL.Path == "/" && s.cfg.AppAtRoot && extra != nil && wantsPage(r) {
		// The app's index.html, not the info JSON, for a browser opening
		// the app (--static with path /); PeerJS clients never fetch /.
		extra.ServeHTTP(w, r)
		return
	}
	if rt != routeNone {
		switch r.Method {
		case http.MethodGet, http.MethodHead:
			s.setCORS(w.Header(), r)
			s.serveRoute(w, rt)
			return
		case http.MethodOptions:
			s.preflight(w, r)
			return
		}
	}
	switch {
	case extra != nil:
		extra.ServeHTTP(w, r)
	case upgrade:
		refuseUpgrade(w)
	default:
		http.NotFound(w, r)
	}
}

// refuseUpgrade answers a WebSocket upgrade on a path nothing serves as
// peerjs-server's ws library does: 400 Bad Request, then close. The
// browser sees a failed WebSocket (1006) and peerjs reports "network".
func refuseUpgrade(w http.ResponseWriter) {
	w.Header().Set("Connection", "close")
	http.Error(w, "Bad Request: no WebSocket is served at this path", http.StatusBadRequest)
}

// NoUpgrade wraps a handler that serves no WebSockets (the check page,
// static files): an upgrade request gets peerjs-server's 400 instead of
// whatever h would answer (a file, a 404).
func NoUpgrade(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if websocket.IsWebSocketUpgrade(r) {
			refuseUpgrade(w)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// wantsPage reports whether r is a browser opening a page: a GET or HEAD
// whose Accept lists text/html (fetch and the peerjs client send */*).
func wantsPage(r *http.Request) bool {
	return (r.Method == http.MethodGet || r.Method == http.MethodHead) && strings.Contains(r.Header.Get("Accept"), "text/html")
}

func (s *Server) serveRoute(w http.ResponseWriter, rt route) {
	h := w.Header()
	switch rt {
	case routeInfo:
		h.Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write([]byte(infoJSON))
	case routeID:
		id, ok := s.newID()
		if !ok {
			http.Error(w, "GenerateID returned only ids that are in use", http.StatusServiceUnavailable)
			return
		}
		// text/html and no newline, as upstream: the client uses the body
		// as the id without trimming (lib/api.ts).
		h.Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(id))
	case routePeers:
		if !s.cfg.AllowDiscovery {
			// Express's res.sendStatus(401): the bare status text.
			h.Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusUnauthorized)
			_, _ = w.Write([]byte("Unauthorized"))
			return
		}
		body, _ := json.Marshal(s.broker.ids()) // a []string always encodes
		h.Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write(body)
	}
}

// newID asks GenerateID for an id that is not connected. As upstream, the id
// is not reserved: two clients given the same id race at the WebSocket.
func (s *Server) newID() (string, bool) {
	for range maxIDAttempts {
		if id := s.cfg.GenerateID(); id != "" && !s.broker.inUse(id) {
			return id, true
		}
	}
	return "", false
}

// newUUID returns a random version 4 UUID (RFC 9562 section 5.4), the
// format of upstream's crypto.randomUUID().
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}

// setCORS does what the cors 2.8.5 middleware does for peerjs-server: reflect
// the Origin (or, with CORSOrigins, only an exact match) and always add
// Vary: Origin. A request from another origin is still served.
func (s *Server) setCORS(h http.Header, r *http.Request) {
	h.Add("Vary", "Origin")
	origin := r.Header.Get("Origin")
	if origin == "" {
		return
	}
	if s.cfg.CORSOrigins == nil || slices.Contains(s.cfg.CORSOrigins, origin) {
		h.Set("Access-Control-Allow-Origin", origin)
	}
}

// preflight answers OPTIONS as the cors middleware does: 204, the default
// method list, and the requested headers echoed back.
func (s *Server) preflight(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	s.setCORS(h, r)
	h.Set("Access-Control-Allow-Methods", "GET,HEAD,PUT,PATCH,POST,DELETE")
	h.Add("Vary", "Access-Control-Request-Headers")
	if rh := r.Header.Get("Access-Control-Request-Headers"); rh != "" {
		h.Set("Access-Control-Allow-Headers", rh)
	}
	h.Set("Content-Length", "0")
	w.WriteHeader(http.StatusNoContent)
}
