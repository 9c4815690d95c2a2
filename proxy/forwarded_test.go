package proxy

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

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
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "https://localhost/peerjs/x", nil)
		req.RemoteAddr = c.remote
		for k, v := range c.header {
			req.Header[k] = v
		}
		s.ServeHTTP(rec, req)
		if rec.Code != c.want {
			t.Errorf("from %s with %v: %d, want %d", c.remote, c.header, rec.Code, c.want)
		}
		if c.want == 403 && hits != before {
			t.Errorf("from %s with %v: the request reached the backend", c.remote, c.header)
		}
	}
}
