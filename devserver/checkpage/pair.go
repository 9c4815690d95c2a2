package checkpage

import (
	"crypto/rand"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Pairing lets two check pages on different origins (a phone on
// https://LAN-ADDRESS:PORT/rtdev/, the laptop on https://localhost:PORT/rtdev/)
// find each other's PeerJS id through the server; browser storage and
// BroadcastChannel never cross origins. Under --lan anyone on the Wi-Fi can
// open the page, so a page learns another's id only by a short code that
// the other page shows. Everything here comes from the network: rooms are
// bounded in count (in all and per address), bodies in bytes and codes in
// time, and wrong codes are rate limited.
const (
	// codeAlphabet leaves out 0/O, 1/I/L, which people misread when typing
	// a code off a laptop screen.
	codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
	// codeLen: 31^6 is about 8.9e8 codes; at maxFailures guesses a minute,
	// finding one live code takes years.
	codeLen = 6

	roomTTL       = 10 * time.Minute
	maxRooms      = 64
	maxRoomsPerIP = 8
	maxBody       = 1 << 10
	maxIDLen      = 64

	// maxFailures wrong codes per failWindow, from everyone together.
	maxFailures = 30
	failWindow  = time.Minute
)

type member struct {
	ID       string `json:"id"`
	Platform string `json:"platform"`
}

type room struct {
	code    string
	ip      string
	host    member
	guest   *member
	created time.Time
}

// lobby holds the open pairing codes.
type lobby struct {
	now func() time.Time

	mu        sync.Mutex
	rooms     map[string]*room
	failures  int
	failSince time.Time
}

func newLobby(now func() time.Time) *lobby {
	if now == nil {
		now = time.Now
	}
	return &lobby{now: now, rooms: make(map[string]*room)}
}

// sweep drops expired rooms; the caller holds mu.
func (l *lobby) sweep(now time.Time) {
	for code, rm := range l.rooms {
		if now.Sub(rm.created) >= roomTTL {
			delete(l.rooms, code)
		}
	}
}

// open makes a room for host and returns its code. A page that reloads
// opens a new room, so an address over its share loses its oldest room
// rather than being refused.
func (l *lobby) open(host member, ip string) (string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	var oldest *room
	n := 0
	for _, rm := range l.rooms {
		if rm.ip == ip {
			n++
			if oldest == nil || rm.created.Before(oldest.created) {
				oldest = rm
			}
		}
	}
	if n >= maxRoomsPerIP {
		delete(l.rooms, oldest.code)
	} else if len(l.rooms) >= maxRooms {
		return "", false
	}
	code := newCode()
	for l.rooms[code] != nil {
		code = newCode()
	}
	l.rooms[code] = &room{code: code, ip: ip, host: host, created: now}
	return code, true
}

// join adds guest to the room of code and returns the host. ok false with
// limited true means too many wrong codes lately.
func (l *lobby) join(code string, guest member) (host member, ok, limited bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	if now.Sub(l.failSince) >= failWindow {
		l.failures, l.failSince = 0, now
	}
	if l.failures >= maxFailures {
		return member{}, false, true
	}
	rm := l.rooms[code]
	if rm == nil || rm.guest != nil || rm.host.ID == guest.ID {
		l.failures++
		return member{}, false, false
	}
	rm.guest = &guest
	return rm.host, true, false
}

// wait returns the guest of the room of code once there is one; only the
// host that opened the room may ask.
func (l *lobby) wait(code, hostID string) (guest *member, found bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(l.now())
	rm := l.rooms[code]
	if rm == nil || rm.host.ID != hostID {
		return nil, false
	}
	return rm.guest, true
}

func newCode() string {
	// Rejection sampling: 256 is not a multiple of 31, so bytes at or
	// above 248 (31*8) are skipped to keep every letter equally likely.
	out := make([]byte, 0, codeLen)
	var b [1]byte
	for len(out) < codeLen {
		_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
		if b[0] < 248 {
			out = append(out, codeAlphabet[int(b[0])%len(codeAlphabet)])
		}
	}
	return string(out)
}

// normalizeCode accepts what a person types: any case, with spaces or a dash.
func normalizeCode(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if strings.ContainsRune(codeAlphabet, r) {
			b.WriteRune(r)
		}
		if b.Len() > codeLen {
			return ""
		}
	}
	if b.Len() != codeLen {
		return ""
	}
	return b.String()
}

// validID accepts the ids devserver hands out (UUIDs) and other short
// PeerJS-style ids; anything else is refused before it is stored.
func validID(id string) bool {
	if id == "" || len(id) > maxIDLen {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

type pairRequest struct {
	ID   string `json:"id"`
	Code string `json:"code"`
}

func pairRoutes(mux *http.ServeMux, cfg Config, l *lobby) {
	read := func(w http.ResponseWriter, r *http.Request) (pairRequest, bool) {
		var req pairRequest
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody)).Decode(&req); err != nil || !validID(req.ID) {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "send {\"id\": your peer id}"})
			return req, false
		}
		return req, true
	}
	mux.HandleFunc("POST "+cfg.Prefix+"pair/new", func(w http.ResponseWriter, r *http.Request) {
		req, ok := read(w, r)
		if !ok {
			return
		}
		code, ok := l.open(member{ID: req.ID, Platform: platformOf(r.UserAgent()).Label}, remoteIP(r))
		if !ok {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "too many open pairing codes: try again in a few minutes"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"code":       code,
			"url":        pairURL(lanHostPort(r, cfg.LANHosts), cfg.Prefix, code),
			"qr":         cfg.Prefix + "pair/qr.svg?code=" + code,
			"expires_in": int(roomTTL / time.Second),
		})
	})
	mux.HandleFunc("POST "+cfg.Prefix+"pair/join", func(w http.ResponseWriter, r *http.Request) {
		req, ok := read(w, r)
		if !ok {
			return
		}
		host, ok, limited := l.join(normalizeCode(req.Code), member{ID: req.ID, Platform: platformOf(r.UserAgent()).Label})
		switch {
		case limited:
			writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": "too many wrong codes: wait a minute"})
		case !ok:
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "no page shows this code (it may have expired, or paired already)"})
		default:
			writeJSON(w, http.StatusOK, map[string]any{"peer": host})
		}
	})
	mux.HandleFunc("POST "+cfg.Prefix+"pair/wait", func(w http.ResponseWriter, r *http.Request) {
		req, ok := read(w, r)
		if !ok {
			return
		}
		guest, found := l.wait(normalizeCode(req.Code), req.ID)
		if !found {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "this code expired"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"peer": guest})
	})
	mux.HandleFunc("GET "+cfg.Prefix+"pair/qr.svg", func(w http.ResponseWriter, r *http.Request) {
		code := normalizeCode(r.URL.Query().Get("code"))
		if code == "" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Security-Policy", "default-src 'none'")
		u := pairURL(lanHostPort(r, cfg.LANHosts), cfg.Prefix, code)
		_, _ = w.Write([]byte(qrSVG(u, "QR code of "+u)))
	})
}

// pairURL is the check page that joins the room of code.
func pairURL(hostport, prefix, code string) string {
	return (&url.URL{Scheme: "https", Host: hostport, Path: prefix, RawQuery: "pair=" + code}).String()
}

func remoteIP(r *http.Request) string {
	if h, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return h
	}
	return r.RemoteAddr
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
