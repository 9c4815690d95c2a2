package checkpage

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/devserver"
)

const forwardToken = "pairing-test-forward-token-0123"

// clock is the pairing clock a test moves while the server reads it.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// pairServer is rtdev serve's stack on a real 127.0.0.1 TLS listener: the
// signaling server with a forward token and the check page as its extra
// handler, on a clock the test moves.
type pairServer struct {
	t     *testing.T
	addr  string
	clock *clock
	pool  *x509.CertPool
	// clients by source address, so each keeps its connection.
	clients map[string]*http.Client
}

func startPairServer(t *testing.T) *pairServer {
	t.Helper()
	c := newCA(t)
	names, err := ca.ParseNames([]string{"localhost", "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := c.Issue(ca.LeafOptions{Names: names})
	if err != nil {
		t.Fatal(err)
	}
	cert := tls.Certificate{Certificate: [][]byte{leaf.Cert.Raw}, PrivateKey: leaf.Key, Leaf: leaf.Cert}
	srv, err := devserver.New(devserver.Config{ForwardToken: forwardToken})
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Unix(1e9, 0)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- srv.Serve(ctx, ln, &tls.Config{Certificates: []tls.Certificate{cert}}, Handler(Config{Now: clk.now}))
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	pool := x509.NewCertPool()
	pool.AddCert(c.Cert)
	return &pairServer{t: t, addr: ln.Addr().String(), clock: clk, pool: pool, clients: map[string]*http.Client{}}
}

// client connects from source, an address of the loopback interface
// (Linux routes all of 127.0.0.0/8 there).
func (ps *pairServer) client(source string) *http.Client {
	if c := ps.clients[source]; c != nil {
		return c
	}
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(source)}, Timeout: 10 * time.Second}
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DialContext: d.DialContext, TLSClientConfig: &tls.Config{RootCAs: ps.pool}}}
	ps.t.Cleanup(c.CloseIdleConnections)
	ps.clients[source] = c
	return c
}

// post sends body as JSON from source, from a page on the server's own
// origin unless hdr says otherwise, and returns the status and the answer.
func (ps *pairServer) post(source, route string, body map[string]string, hdr http.Header) (int, map[string]any) {
	ps.t.Helper()
	data, _ := json.Marshal(body)
	req, err := http.NewRequest("POST", "https://"+ps.addr+"/rtdev/pair/"+route, bytes.NewReader(data))
	if err != nil {
		ps.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", "https://"+ps.addr)
	for k, v := range hdr {
		req.Header[k] = v
	}
	res, err := ps.client(source).Do(req)
	if errors.Is(err, syscall.EADDRNOTAVAIL) {
		ps.t.Skipf("this system cannot send from %s: %v", source, err)
	}
	if err != nil {
		ps.t.Fatal(err)
	}
	defer res.Body.Close()
	var doc map[string]any
	_ = json.NewDecoder(res.Body).Decode(&doc)
	return res.StatusCode, doc
}

// open opens a room from source as peer id and returns the status and code.
func (ps *pairServer) open(source, id string, hdr http.Header) (int, string) {
	ps.t.Helper()
	status, doc := ps.post(source, "new", map[string]string{"id": id}, hdr)
	code, _ := doc["code"].(string)
	return status, code
}

// forwardedFor is what the Vite plugin's proxy sends for a client at addr.
func forwardedFor(addr string) http.Header {
	return http.Header{devserver.ForwardTokenHeader: {forwardToken}, "X-Forwarded-For": {addr}}
}

// One address holds at most two open rooms (an IPv6 /64 counts as one
// address), so a few addresses can no longer fill the lobby for everyone.
func TestPairingRoomsPerAddress(t *testing.T) {
	ps := startPairServer(t)
	for i, id := range []string{"a1", "a2"} {
		if status, _ := ps.open("127.0.0.2", id, nil); status != 200 {
			t.Fatalf("room %d from 127.0.0.2: %d", i+1, status)
		}
	}
	status, doc := ps.post("127.0.0.2", "new", map[string]string{"id": "a3"}, nil)
	if status != http.StatusTooManyRequests || !strings.Contains(fmt.Sprint(doc["error"]), "close another check page") {
		t.Errorf("a third room from one address: %d %v", status, doc)
	}
	status, code := ps.open("127.0.0.3", "b1", nil)
	if status != 200 {
		t.Errorf("another address was refused a room: %d", status)
	}

	// A page that goes away gives its room back (the check page does on
	// pagehide); only the page that opened it can.
	if status, _ := ps.post("127.0.0.3", "close", map[string]string{"id": "someone-else", "code": code}, nil); status != 404 {
		t.Errorf("another page closed a room: %d", status)
	}
	ps.open("127.0.0.3", "b2", nil)
	if status, _ := ps.open("127.0.0.3", "b3", nil); status != http.StatusTooManyRequests {
		t.Fatalf("a third room from 127.0.0.3: %d", status)
	}
	if status, _ := ps.post("127.0.0.3", "close", map[string]string{"id": "b1", "code": code}, nil); status != 200 {
		t.Errorf("close: %d", status)
	}
	if status, _ := ps.open("127.0.0.3", "b3", nil); status != 200 {
		t.Errorf("a room after closing one: %d", status)
	}
	// Rooms expire, and their address may open new ones.
	ps.clock.add(roomTTL)
	if status, _ := ps.open("127.0.0.2", "a3", nil); status != 200 {
		t.Errorf("a room after the others expired: %d", status)
	}

	// Behind the Vite plugin every request comes from the proxy's
	// loopback socket; the forwarded address counts, and two addresses in
	// one IPv6 /64 are one.
	for i, addr := range []string{"2001:db8:1:2::1", "2001:db8:1:2:aaaa:bbbb:cccc:dddd"} {
		if status, _ := ps.open("127.0.0.4", fmt.Sprintf("v%d", i), forwardedFor(addr)); status != 200 {
			t.Fatalf("room for %s through the proxy: %d", addr, status)
		}
	}
	if status, _ := ps.open("127.0.0.4", "v3", forwardedFor("2001:db8:1:2::99")); status != http.StatusTooManyRequests {
		t.Errorf("a third room from one /64: %d", status)
	}
	if status, _ := ps.open("127.0.0.4", "v4", forwardedFor("2001:db8:1:3::1")); status != 200 {
		t.Errorf("the next /64 was refused a room: %d", status)
	}
	// Without the token X-Forwarded-For is the client's own word: the
	// rooms count against the address that sent it.
	for i, addr := range []string{"192.0.2.1", "192.0.2.2", "192.0.2.3"} {
		status, _ := ps.open("127.0.0.5", fmt.Sprintf("s%d", i), http.Header{"X-Forwarded-For": {addr}})
		if want := map[bool]int{true: 200, false: http.StatusTooManyRequests}[i < maxRoomsPerAddr]; status != want {
			t.Errorf("room %d with a forged X-Forwarded-For %s: %d, want %d", i+1, addr, status, want)
		}
	}
}

// Ten wrong codes a minute stop that address only: the right code from
// another address still joins. Everyone together stops at 300 a minute.
func TestPairingWrongCodesPerAddress(t *testing.T) {
	ps := startPairServer(t)
	_, code := ps.open("127.0.0.3", "laptop", nil)
	if code == "" {
		t.Fatal("no code")
	}
	wrong := "ZZZZZZ"
	if wrong == code {
		wrong = "YYYYYY"
	}
	for i := range maxFailuresPerAddr {
		if status, _ := ps.post("127.0.0.2", "join", map[string]string{"id": "guesser", "code": wrong}, nil); status != 404 {
			t.Fatalf("wrong code %d: %d", i+1, status)
		}
	}
	status, doc := ps.post("127.0.0.2", "join", map[string]string{"id": "guesser", "code": code}, nil)
	if status != http.StatusTooManyRequests || !strings.Contains(fmt.Sprint(doc["error"]), "from this device") {
		t.Errorf("the guesser's next try, the right code: %d %v", status, doc)
	}
	status, doc = ps.post("127.0.0.4", "join", map[string]string{"id": "phone", "code": strings.ToLower(code[:3]) + "-" + code[3:]}, nil)
	if peer, _ := doc["peer"].(map[string]any); status != 200 || peer["id"] != "laptop" {
		t.Fatalf("the right code from another address: %d %v", status, doc)
	}
	if status, doc := ps.post("127.0.0.3", "wait", map[string]string{"id": "laptop", "code": code}, nil); status != 200 || doc["peer"] == nil {
		t.Errorf("the host does not learn its guest: %d %v", status, doc)
	}
	// The host has its guest: the room is done and no longer counts.
	if status, _ := ps.post("127.0.0.3", "wait", map[string]string{"id": "laptop", "code": code}, nil); status != 404 {
		t.Errorf("a delivered room stays open: %d", status)
	}
	ps.clock.add(failWindow)
	if status, _ := ps.post("127.0.0.2", "join", map[string]string{"id": "guesser", "code": wrong}, nil); status != 404 {
		t.Errorf("the address is still limited after a minute: %d", status)
	}

	// The shared ceiling, from many addresses through the proxy, each
	// below its own limit.
	ps.clock.add(failWindow)
	_, code = ps.open("127.0.0.3", "laptop2", nil)
	for i := range maxFailures / maxFailuresPerAddr {
		for range maxFailuresPerAddr {
			status, _ := ps.post("127.0.0.6", "join", map[string]string{"id": "g", "code": wrong}, forwardedFor(fmt.Sprintf("198.51.100.%d", i+1)))
			if status != 404 {
				t.Fatalf("guess from 198.51.100.%d: %d", i+1, status)
			}
		}
	}
	status, doc = ps.post("127.0.0.7", "join", map[string]string{"id": "phone2", "code": code}, nil)
	if status != http.StatusTooManyRequests || !strings.Contains(fmt.Sprint(doc["error"]), "lately") {
		t.Errorf("past the shared ceiling: %d %v", status, doc)
	}
	ps.clock.add(failWindow)
	if status, _ := ps.post("127.0.0.7", "join", map[string]string{"id": "phone2", "code": code}, nil); status != 200 {
		t.Errorf("a minute after the ceiling: %d", status)
	}
}

// Only the server's own check page drives pairing: a JSON body (which
// another site's page cannot send without a preflight these routes never
// grant) from the origin the browser used. Behind the Vite plugin that is
// the Vite origin, which the proxy forwards with its token.
func TestPairingOnlyFromTheOwnPage(t *testing.T) {
	ps := startPairServer(t)
	const vite = "https://localhost:5173"
	for _, tc := range []struct {
		name string
		hdr  http.Header
		want int
	}{
		{"own origin", nil, 200},
		{"origin in another case", http.Header{"Origin": {"HTTPS://" + strings.ToUpper(ps.addr)}}, 200},
		{"text/plain", http.Header{"Content-Type": {"text/plain"}}, http.StatusUnsupportedMediaType},
		{"a form", http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, http.StatusUnsupportedMediaType},
		{"no content type", http.Header{"Content-Type": nil}, http.StatusUnsupportedMediaType},
		{"json with a charset", http.Header{"Content-Type": {"application/json; charset=utf-8"}}, 200},
		{"another site", http.Header{"Origin": {"https://evil.example"}}, http.StatusForbidden},
		{"another port", http.Header{"Origin": {"https://127.0.0.1:1"}}, http.StatusForbidden},
		{"http", http.Header{"Origin": {"http://" + ps.addr}}, http.StatusForbidden},
		{"null", http.Header{"Origin": {"null"}}, http.StatusForbidden},
		{"no origin", http.Header{"Origin": nil}, http.StatusForbidden},
		{"two origins", http.Header{"Origin": {"https://" + ps.addr, "https://evil.example"}}, http.StatusForbidden},
		{"the Vite origin through the proxy", http.Header{"Origin": {vite}, devserver.ForwardTokenHeader: {forwardToken}, "X-Forwarded-For": {"127.0.0.1"}, "X-Forwarded-Host": {"localhost:5173"}}, 200},
		{"the Vite origin without the token", http.Header{"Origin": {vite}, "X-Forwarded-For": {"127.0.0.1"}, "X-Forwarded-Host": {"localhost:5173"}}, http.StatusForbidden},
		{"the Vite origin with a wrong token", http.Header{"Origin": {vite}, devserver.ForwardTokenHeader: {forwardToken + "x"}, "X-Forwarded-For": {"127.0.0.1"}, "X-Forwarded-Host": {"localhost:5173"}}, http.StatusForbidden},
	} {
		// Each case from an address of its own, clear of the room limit.
		source := fmt.Sprintf("127.0.1.%d", len(ps.clients)+1)
		for _, route := range []string{"new", "join", "wait", "close"} {
			status, doc := ps.post(source, route, map[string]string{"id": "page", "code": "ABCDEF"}, tc.hdr)
			if tc.want == 200 && route != "new" {
				// Past the checks the unknown code is the answer.
				if status != 404 {
					t.Errorf("%s: %s: %d %v", tc.name, route, status, doc)
				}
				continue
			}
			if status != tc.want {
				t.Errorf("%s: %s: %d %v, want %d", tc.name, route, status, doc, tc.want)
			}
		}
	}
}

func TestAddrKey(t *testing.T) {
	same := [][2]string{
		{"192.0.2.1", "::ffff:192.0.2.1"},
		{"2001:db8::1", "2001:db8::ffff:1:2:3"},
		{"fe80::1%eth0", "fe80::2"},
	}
	for _, p := range same {
		if addrKey(netip.MustParseAddr(p[0])) != addrKey(netip.MustParseAddr(p[1])) {
			t.Errorf("%s and %s count apart", p[0], p[1])
		}
	}
	apart := [][2]string{{"192.0.2.1", "192.0.2.2"}, {"2001:db8::1", "2001:db8:0:1::1"}}
	for _, p := range apart {
		if addrKey(netip.MustParseAddr(p[0])) == addrKey(netip.MustParseAddr(p[1])) {
			t.Errorf("%s and %s count as one", p[0], p[1])
		}
	}
}

func TestPairRoutesRefuseJunk(t *testing.T) {
	h := Handler(Config{})
	for _, body := range []string{"", "{", `{"id": "has space"}`, `{"id":"` + strings.Repeat("a", maxIDLen+1) + `"}`, strings.Repeat(" ", maxBody+10) + `{"id":"a"}`} {
		req := httptest.NewRequest("POST", "https://example.test/rtdev/pair/new", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", "https://example.test")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 400 {
			t.Errorf("body %.30q: %d", body, rec.Code)
		}
	}
	if res, _ := request(t, h, "GET", "/rtdev/pair/qr.svg?code=<script>", "", ""); res.StatusCode != 404 {
		t.Errorf("qr of junk: %d", res.StatusCode)
	}
}

func TestLobby(t *testing.T) {
	now := time.Unix(1e9, 0)
	l := newLobby(func() time.Time { return now })
	laptop := netip.MustParseAddr("127.0.0.1")
	code, o := l.open(member{ID: "laptop", Platform: "Linux"}, laptop)
	if o != pairOK || normalizeCode(strings.ToLower(code[:3])+"-"+code[3:]) != code {
		t.Fatalf("open: %q %v", code, o)
	}
	if g, found := l.wait(code, "someone-else"); found || g != nil {
		t.Error("a page that did not open the code may wait on it")
	}
	if g, found := l.wait(code, "laptop"); !found || g != nil {
		t.Errorf("wait before a guest: %v %v", g, found)
	}
	phone := netip.MustParseAddr("10.0.0.7")
	if _, o := l.join(code, member{ID: "laptop"}, phone); o != wrongCode {
		t.Error("a page joined its own code")
	}
	host, o := l.join(code, member{ID: "phone", Platform: "iPhone"}, phone)
	if o != pairOK || host.ID != "laptop" {
		t.Fatalf("join: %+v %v", host, o)
	}
	if _, o := l.join(code, member{ID: "intruder"}, netip.MustParseAddr("10.0.0.8")); o != wrongCode {
		t.Error("a third page joined a paired code")
	}
	if g, found := l.wait(code, "laptop"); !found || g == nil || g.ID != "phone" || g.Platform != "iPhone" {
		t.Fatalf("wait: %+v %v", g, found)
	}

	// Everyone together holds at most maxRooms codes.
	for i := 0; len(l.rooms) < maxRooms; i++ {
		if _, o := l.open(member{ID: "b"}, netip.AddrFrom4([4]byte{10, 1, byte(i / 200), byte(i % 200)})); o != pairOK {
			t.Fatalf("room %d: %v", i, o)
		}
	}
	if _, o := l.open(member{ID: "c"}, netip.MustParseAddr("10.2.0.1")); o != lobbyFull {
		t.Errorf("more than maxRooms codes: %v", o)
	}
	now = now.Add(roomTTL)
	if _, o := l.open(member{ID: "c"}, netip.MustParseAddr("10.2.0.1")); o != pairOK || len(l.rooms) != 1 {
		t.Errorf("expired codes still count: %v, %d rooms", o, len(l.rooms))
	}
}
