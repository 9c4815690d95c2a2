package devserver

import (
	"net/http"
	"regexp"
	"slices"
	"sync"
	"testing"
)

func TestInfoRoute(t *testing.T) {
	for _, path := range []string{"/", "/myapp", "myapp/"} {
		t.Run(path, func(t *testing.T) {
			ts := startServer(t, Config{Path: path})
			base := ts.srv.Config().Path
			for _, p := range []string{base, base[:len(base)-1]} {
				if p == "" {
					continue
				}
				resp, body := ts.do("GET", p, nil)
				if resp.StatusCode != 200 || body != infoJSON || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" {
					t.Errorf("GET %s: %d %q %q", p, resp.StatusCode, resp.Header.Get("Content-Type"), body)
				}
			}
		})
	}
}

func TestIDRoute(t *testing.T) {
	uuid := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	ts := startServer(t, Config{})
	// Any key segment works, the query is ignored, Express-style case and
	// trailing slash are accepted.
	for _, p := range []string{"/peerjs/id?ts=1&version=1.5.5", "/anykey/id", "/peerjs/ID", "/peerjs/id/"} {
		resp, body := ts.do("GET", p, nil)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" || !uuid.MatchString(body) {
			t.Errorf("GET %s: %d %q %q", p, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	}
	resp, body := ts.do("HEAD", "/peerjs/id", nil)
	if resp.StatusCode != 200 || body != "" {
		t.Errorf("HEAD: %d %q", resp.StatusCode, body)
	}
}

// GenerateID is called again while its result is connected.
func TestIDRouteSkipsConnected(t *testing.T) {
	var mu sync.Mutex
	ids := []string{"busy", "busy", "free"}
	ts := startServer(t, Config{GenerateID: func() string {
		mu.Lock()
		defer mu.Unlock()
		id := ids[0]
		if len(ids) > 1 {
			ids = ids[1:]
		}
		return id
	}})
	ts.join("busy", "t")
	if _, body := ts.do("GET", "/peerjs/id", nil); body != "free" {
		t.Errorf("id = %q, want free", body)
	}
	// A generator with nothing free gives an error, not a hang.
	ts.join("free", "t")
	if resp, _ := ts.do("GET", "/peerjs/id", nil); resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("status %d, want 503", resp.StatusCode)
	}
}

func TestPeersRoute(t *testing.T) {
	t.Run("discovery off", func(t *testing.T) {
		ts := startServer(t, Config{})
		ts.join("a", "t")
		resp, body := ts.do("GET", "/peerjs/peers", nil)
		if resp.StatusCode != 401 || body != "Unauthorized" {
			t.Errorf("%d %q", resp.StatusCode, body)
		}
	})
	t.Run("discovery on", func(t *testing.T) {
		ts := startServer(t, Config{AllowDiscovery: true, Path: "/app"})
		if _, body := ts.do("GET", "/app/k/peers", nil); body != "[]" {
			t.Errorf("empty realm: %q", body)
		}
		ts.join("b", "t")
		ts.join("a", "t")
		resp, body := ts.do("GET", "/app/k/peers", nil)
		if resp.StatusCode != 200 || body != `["a","b"]` || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" {
			t.Errorf("%d %q %q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
	})
}

func TestOtherRoutes(t *testing.T) {
	t.Run("no extra", func(t *testing.T) {
		ts := startServer(t, Config{Path: "/app"})
		for _, p := range []string{"/", "/app/peerjs", "/app/a/b/id", "/app//id", "/elsewhere"} {
			if resp, _ := ts.do("GET", p, nil); resp.StatusCode != 404 {
				t.Errorf("GET %s: %d, want 404", p, resp.StatusCode)
			}
		}
		// A WebSocket upgrade on another path is refused, as ws does.
		hdr := http.Header{"Connection": {"Upgrade"}, "Upgrade": {"websocket"}, "Sec-Websocket-Version": {"13"}, "Sec-Websocket-Key": {"dGhlIHNhbXBsZSBub25jZQ=="}}
		if resp, _ := ts.do("GET", "/peerjs", hdr); resp.StatusCode != 400 {
			t.Errorf("upgrade elsewhere: %d, want 400", resp.StatusCode)
		}
	})
	t.Run("extra", func(t *testing.T) {
		extra := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(299)
			_, _ = w.Write([]byte("extra " + r.Method + " " + r.URL.Path))
		})
		ts := startServerWith(t, Config{}, extra)
		for _, tc := range []struct{ method, path, want string }{
			{"GET", "/rtdev/", "extra GET /rtdev/"},
			{"GET", "/peerjs", "extra GET /peerjs"}, // the WS path without an upgrade
			{"POST", "/peerjs/id", "extra POST /peerjs/id"},
		} {
			resp, body := ts.do(tc.method, tc.path, nil)
			if resp.StatusCode != 299 || body != tc.want {
				t.Errorf("%s %s: %d %q", tc.method, tc.path, resp.StatusCode, body)
			}
		}
		if _, body := ts.do("GET", "/", nil); body != infoJSON {
			t.Errorf("PeerJS route went to extra: %q", body)
		}
	})
}

// CORS as peerjs-server's cors middleware: reflect any Origin by default,
// only listed ones with CORSOrigins, Vary: Origin always, and preflights
// answered with 204.
func TestCORS(t *testing.T) {
	type check struct {
		origin   string
		wantACAO string
	}
	tests := []struct {
		name    string
		origins []string
		checks  []check
	}{
		{"reflect", nil, []check{
			{"https://localhost:5173", "https://localhost:5173"},
			{"http://evil.example", "http://evil.example"},
			{"", ""},
		}},
		{"allow-list", []string{"https://localhost:5173", "https://app.test"}, []check{
			{"https://localhost:5173", "https://localhost:5173"},
			{"https://app.test", "https://app.test"},
			{"https://localhost:5174", ""},
			{"", ""},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := startServer(t, Config{CORSOrigins: tt.origins})
			for _, c := range tt.checks {
				hdr := http.Header{}
				if c.origin != "" {
					hdr.Set("Origin", c.origin)
				}
				resp, body := ts.do("GET", "/peerjs/id", hdr)
				if resp.StatusCode != 200 || body == "" {
					t.Errorf("origin %q: not served: %d", c.origin, resp.StatusCode)
				}
				if got := resp.Header.Get("Access-Control-Allow-Origin"); got != c.wantACAO {
					t.Errorf("origin %q: ACAO %q, want %q", c.origin, got, c.wantACAO)
				}
				if !slices.Contains(resp.Header.Values("Vary"), "Origin") {
					t.Errorf("origin %q: Vary %q", c.origin, resp.Header.Values("Vary"))
				}

				hdr.Set("Access-Control-Request-Method", "GET")
				hdr.Set("Access-Control-Request-Headers", "x-custom")
				resp, body = ts.do("OPTIONS", "/peerjs/id", hdr)
				if resp.StatusCode != 204 || body != "" {
					t.Errorf("preflight: %d %q", resp.StatusCode, body)
				}
				for k, want := range map[string]string{
					"Access-Control-Allow-Origin":  c.wantACAO,
					"Access-Control-Allow-Methods": "GET,HEAD,PUT,PATCH,POST,DELETE",
					"Access-Control-Allow-Headers": "x-custom",
				} {
					if got := resp.Header.Get(k); got != want {
						t.Errorf("preflight origin %q: %s %q, want %q", c.origin, k, got, want)
					}
				}
			}
		})
	}
}
