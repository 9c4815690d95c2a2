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
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("GET", "https://localhost"+c.path, nil)
		req.RemoteAddr = c.remote
		s.ServeHTTP(rec, req)
		if rec.Code != c.want {
			t.Errorf("%s from %s: %d, want %d", c.path, c.remote, rec.Code, c.want)
		}
		if c.want == 403 && (hits != before || !strings.Contains(rec.Body.String(), "rtdev serve --lan --route /api=")) {
			t.Errorf("%s from %s reached the backend or said %q", c.path, c.remote, rec.Body)
		}
	}
}
