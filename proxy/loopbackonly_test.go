package proxy

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestLoopbackOnlyRoute: a route marked LoopbackOnly answers clients on this
// machine and gives everyone else 403 with its reason, without reaching the
// backend; other routes on the same proxy serve everyone.
func TestLoopbackOnlyRoute(t *testing.T) {
	hits := 0
	be := backend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++; _, _ = w.Write([]byte("backend")) }))
	s, err := New(Config{Routes: []Route{
		{Path: "/api", Target: mustTarget(t, be), From: "rtdev.toml", LoopbackOnly: "/api is served to this machine only; run rtdev serve --lan --route /api=" + be},
		{Path: "/", Target: mustTarget(t, be), From: "--route"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		remote, path string
		want         int
	}{
		{"127.0.0.1:40000", "/api/x", 200},
		{"[::1]:40000", "/api/x", 200},
		{"192.168.1.20:40000", "/api/x", 403},
		{"[fd00::20]:40000", "/api", 403},
		{"192.168.1.20:40000", "/page", 200},
	} {
		before := hits
		rec := serveFrom(s, c.remote, c.path, nil)
		if rec.Code != c.want {
			t.Errorf("%s from %s: %d, want %d", c.path, c.remote, rec.Code, c.want)
		}
		if c.want == 403 && (hits != before || !strings.Contains(rec.Body.String(), "rtdev serve --lan --route /api=")) {
			t.Errorf("%s from %s reached the backend or said %q", c.path, c.remote, rec.Body)
		}
	}
}

// TestLoopbackOnlyBehindALocalProxy: a route marked LoopbackOnly is
// refused to a client that a proxy on this machine (the Vite plugin's)
// forwards from elsewhere, and served when every client it names is on
// this machine; the forwarded headers never let a remote peer in.
func TestLoopbackOnlyBehindALocalProxy(t *testing.T) {
	hits := 0
	be := backend(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++; _, _ = w.Write([]byte("backend")) }))
	s, err := New(Config{Routes: []Route{{Path: "/", Target: mustTarget(t, be), From: "rtdev.toml", LoopbackOnly: "/ is served to this machine only"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		remote string
		header http.Header
		want   int
	}{
		{"127.0.0.1:40000", nil, 200},
		{"127.0.0.1:40000", http.Header{"X-Forwarded-For": {"127.0.0.1"}}, 200},
		// Node names an IPv4 client of a dual-stack socket this way.
		{"127.0.0.1:40000", http.Header{"X-Forwarded-For": {"::ffff:127.0.0.1"}}, 200},
		{"[::1]:40000", http.Header{"X-Forwarded-For": {"::1, 127.0.0.1"}, "Forwarded": {`for="[::1]:4711";proto=https`}}, 200},
		// A phone on the Wi-Fi through the Vite origin.
		{"127.0.0.1:40000", http.Header{"X-Forwarded-For": {"::ffff:192.168.1.20"}}, 403},
		// A forged loopback entry first; the proxy appended the real client.
		{"127.0.0.1:40000", http.Header{"X-Forwarded-For": {"127.0.0.1, 192.168.1.20"}}, 403},
		{"127.0.0.1:40000", http.Header{"X-Forwarded-For": {"127.0.0.1", "192.168.1.20"}}, 403},
		{"127.0.0.1:40000", http.Header{"Forwarded": {"for=127.0.0.1, for=192.168.1.20"}}, 403},
		{"127.0.0.1:40000", http.Header{"Forwarded": {`for="[fd00::20]:4711"`}}, 403},
		{"127.0.0.1:40000", http.Header{"Forwarded": {"for=unknown"}}, 403},
		{"127.0.0.1:40000", http.Header{"X-Forwarded-For": {""}}, 403},
		// Headers never admit a remote peer.
		{"192.168.1.20:40000", http.Header{"X-Forwarded-For": {"127.0.0.1"}, "Forwarded": {"for=127.0.0.1"}}, 403},
	} {
		before := hits
		rec := serveFrom(s, c.remote, "/peerjs/x", c.header)
		if rec.Code != c.want {
			t.Errorf("from %s with %v: %d, want %d", c.remote, c.header, rec.Code, c.want)
		}
		if c.want == 403 && hits != before {
			t.Errorf("from %s with %v: the request reached the backend", c.remote, c.header)
		}
	}
}

// serveFrom runs a GET for path through s as if it came from remote with
// header: ServeHTTP with RemoteAddr set, since a test on loopback cannot
// dial from another address.
func serveFrom(s *Server, remote, path string, header http.Header) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", "https://localhost"+path, nil)
	req.RemoteAddr = remote
	for k, v := range header {
		req.Header[k] = v
	}
	s.ServeHTTP(rec, req)
	return rec
}
