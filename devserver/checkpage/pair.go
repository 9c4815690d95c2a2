package checkpage

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/rtdev/rtdev/devserver"
)

// Pairing lets two check pages on different origins (a phone on
// https://LAN-ADDRESS:PORT/rtdev/, the laptop on https://localhost:PORT/rtdev/)
// find each other's PeerJS id through the server; browser storage and
// BroadcastChannel never cross origins. Under --lan anyone on the Wi-Fi can
// open the page, so a page learns another's id only by a short code that
// the other page shows. Everything here comes from the network: rooms are
// bounded in count (per client address first, then in all), bodies in
// bytes and codes in time, and wrong codes are rate limited per client
// address first, then in all, so one guesser locks out only itself.
const (
	// codeAlphabet leaves out 0/O, 1/I/L, which people misread when typing
	// a code off a laptop screen.
	codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
	// codeLen: 31^6 is about 8.9e8 codes; at maxFailures guesses a minute
	// against maxRooms live codes, a hit takes a month on average, and a
	// code lives roomTTL.
	codeLen = 6

	roomTTL  = 10 * time.Minute
	maxRooms = 64
	// maxRoomsPerAddr: a check page tab holds one room and gives it back
	// when it is closed or reloaded (pair/close), so two leave room for a
	// second tab, and filling maxRooms takes 32 addresses, not 8.
	maxRoomsPerAddr = 2
	maxBody         = 1 << 10
	maxIDLen        = 64

	// maxFailuresPerAddr wrong codes per failWindow from one client
	// address, maxFailures from everyone together: the ceiling against
	// guessing from many addresses, high enough that one address alone
	// never reaches it.
	maxFailuresPerAddr = 10
	maxFailures        = 300
	failWindow         = time.Minute
)

type member struct {
	ID       string `json:"id"`
	Platform string `json:"platform"`
}

type room struct {
	code    string
	addr    netip.Prefix // addrKey of the page that opened it
	host    member
	guest   *member
	created time.Time
}

// addrKey is what the per-address limits count by: an IPv4 address, or
// the /64 an IPv6 address is in. A device picks its own addresses inside
// its /64 (SLAAC, temporary addresses, RFC 8981), so counting single IPv6
// addresses would let one device count as millions. Addresses that are no
// address (a handler called without a connection) share the zero key.
func addrKey(a netip.Addr) netip.Prefix {
	a = a.Unmap().WithZone("")
	bits := a.BitLen()
	if a.Is6() {
		bits = 64
	}
	p, _ := a.Prefix(bits)
	return p
}

// window counts events in fixed windows of failWindow.
type window struct {
	n     int
	since time.Time
}

// full starts a new window when the current one is over and reports
// whether it already holds max events.
func (w *window) full(now time.Time, max int) bool {
	if now.Sub(w.since) >= failWindow {
		w.n, w.since = 0, now
	}
	return w.n >= max
}

// Outcomes of open and join beside success.
type outcome int

const (
	pairOK outcome = iota
	addrFull
	lobbyFull
	wrongCode
	addrLimited
	everyoneLimited
)

// lobby holds the open pairing codes.
type lobby struct {
	now func() time.Time

	mu       sync.Mutex
	rooms    map[string]*room
	failures window                   // wrong codes from everyone
	failedBy map[netip.Prefix]*window // wrong codes per addrKey
}

func newLobby(now func() time.Time) *lobby {
	if now == nil {
		now = time.Now
	}
	return &lobby{now: now, rooms: make(map[string]*room), failedBy: make(map[netip.Prefix]*window)}
}

// sweep drops expired rooms and finished failure windows; the caller
// holds mu. failedBy gains an entry only for a wrong code counted under
// the shared ceiling, so it holds at most about 2*maxFailures entries.
func (l *lobby) sweep(now time.Time) {
	for code, rm := range l.rooms {
		if now.Sub(rm.created) >= roomTTL {
			delete(l.rooms, code)
		}
	}
	for k, w := range l.failedBy {
		if now.Sub(w.since) >= failWindow {
			delete(l.failedBy, k)
		}
	}
}

// open makes a room for host, opened from addr, and returns its code.
func (l *lobby) open(host member, addr netip.Addr) (string, outcome) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	key := addrKey(addr)
	n := 0
	for _, rm := range l.rooms {
		if rm.addr == key {
			n++
		}
	}
	switch {
	case n >= maxRoomsPerAddr:
		return "", addrFull
	case len(l.rooms) >= maxRooms:
		return "", lobbyFull
	}
	code := newCode()
	for l.rooms[code] != nil {
		code = newCode()
	}
	l.rooms[code] = &room{code: code, addr: key, host: host, created: now}
	return code, pairOK
}

// join adds guest, asking from addr, to the room of code and returns the
// host. While addr's or everyone's wrong codes are at their limit every
// code is refused, the right one too: a guesser must not learn which
// guesses would have hit.
func (l *lobby) join(code string, guest member, addr netip.Addr) (member, outcome) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	key := addrKey(addr)
	mine := l.failedBy[key]
	if mine == nil {
		mine = &window{since: now}
	}
	if mine.full(now, maxFailuresPerAddr) {
		return member{}, addrLimited
	}
	if l.failures.full(now, maxFailures) {
		return member{}, everyoneLimited
	}
	rm := l.rooms[code]
	if rm == nil || rm.guest != nil || rm.host.ID == guest.ID {
		mine.n++
		l.failures.n++
		l.failedBy[key] = mine
		return member{}, wrongCode
	}
	rm.guest = &guest
	return rm.host, pairOK
}

// wait returns the guest of the room of code once there is one; only the
// host that opened the room may ask. A room whose guest has been handed to
// its host is done and closed, so it no longer counts against the host's
// address.
func (l *lobby) wait(code, hostID string) (guest *member, found bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sweep(l.now())
	rm := l.rooms[code]
	if rm == nil || rm.host.ID != hostID {
		return nil, false
	}
	if rm.guest != nil {
		delete(l.rooms, code)
	}
	return rm.guest, true
}

// close drops the room of code for the host that opened it: the page is
// going away (closed or reloaded), and its address may then open another.
func (l *lobby) close(code, hostID string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	rm := l.rooms[code]
	if rm == nil || rm.host.ID != hostID {
		return false
	}
	delete(l.rooms, code)
	return true
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

// ownOrigin reports whether r comes from a page of this server: its Origin
// is https and the host the browser used (devserver.ClientHost: Host, or
// X-Forwarded-Host from the Vite plugin's proxy). Browsers send Origin on
// every POST, so another site's page cannot drive pairing in a visitor's
// browser.
func ownOrigin(r *http.Request) bool {
	origins := r.Header.Values("Origin")
	if len(origins) != 1 {
		return false
	}
	u, err := url.Parse(origins[0])
	if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" {
		return false
	}
	return canonicalHostPort(u.Host) == canonicalHostPort(devserver.ClientHost(r))
}

// canonicalHostPort is host:port in lower case, with https's 443 when no
// port is given (a browser leaves the default port out of both Origin and
// Host).
func canonicalHostPort(hp string) string {
	host, port, err := net.SplitHostPort(hp)
	if err != nil {
		host, port = strings.TrimSuffix(strings.TrimPrefix(hp, "["), "]"), "443"
	}
	return net.JoinHostPort(strings.ToLower(host), port)
}

// jsonBody reports whether r says it carries JSON. A page on another site
// can POST text/plain, a form or multipart without asking first; JSON
// needs a CORS preflight, which these routes never grant.
func jsonBody(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/json"
}

func pairRoutes(mux *http.ServeMux, cfg Config, l *lobby) {
	read := func(w http.ResponseWriter, r *http.Request) (pairRequest, bool) {
		var req pairRequest
		switch {
		case !jsonBody(r):
			writeJSON(w, http.StatusUnsupportedMediaType, map[string]string{"error": "send Content-Type: application/json"})
			return req, false
		case !ownOrigin(r):
			writeJSON(w, http.StatusForbidden, map[string]string{"error": "pairing answers only this server's own check page"})
			return req, false
		}
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody)).Decode(&req); err != nil || !validID(req.ID) {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "send {\"id\": your peer id}"})
			return req, false
		}
		return req, true
	}
	mux.HandleFunc("POST "+cfg.Prefix+"pair/new", func(w http.ResponseWriter, r *http.Request) {
		req, good := read(w, r)
		if !good {
			return
		}
		code, o := l.open(member{ID: req.ID, Platform: platformOf(r.UserAgent()).Label}, devserver.ClientAddr(r))
		switch o {
		case addrFull:
			writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": fmt.Sprintf("this device already shows %d pairing codes: close another check page, or wait up to %d minutes", maxRoomsPerAddr, int(roomTTL/time.Minute))})
			return
		case lobbyFull:
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
		req, good := read(w, r)
		if !good {
			return
		}
		host, o := l.join(normalizeCode(req.Code), member{ID: req.ID, Platform: platformOf(r.UserAgent()).Label}, devserver.ClientAddr(r))
		switch o {
		case addrLimited:
			writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": "too many wrong codes from this device: wait a minute"})
		case everyoneLimited:
			writeJSON(w, http.StatusTooManyRequests, map[string]string{"error": "too many wrong codes lately: wait a minute"})
		case wrongCode:
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "no page shows this code (it may have expired, or paired already)"})
		default:
			writeJSON(w, http.StatusOK, map[string]any{"peer": host})
		}
	})
	mux.HandleFunc("POST "+cfg.Prefix+"pair/wait", func(w http.ResponseWriter, r *http.Request) {
		req, good := read(w, r)
		if !good {
			return
		}
		guest, found := l.wait(normalizeCode(req.Code), req.ID)
		if !found {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "this code expired"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"peer": guest})
	})
	mux.HandleFunc("POST "+cfg.Prefix+"pair/close", func(w http.ResponseWriter, r *http.Request) {
		req, good := read(w, r)
		if !good {
			return
		}
		if !l.close(normalizeCode(req.Code), req.ID) {
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such code of yours"})
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"closed": true})
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

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
