package checkpage

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// pageFrom renders the check page for a browser at client that reached
// the server at local by the Host header host.
func pageFrom(t *testing.T, cfg Config, client, local, host string) string {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, "/rtdev/", nil)
	r.RemoteAddr, r.Host = client, host
	la, err := net.ResolveTCPAddr("tcp", local)
	if err != nil {
		t.Fatal(err)
	}
	r = r.WithContext(context.WithValue(r.Context(), http.LocalAddrContextKey, la))
	rec := httptest.NewRecorder()
	Handler(cfg).ServeHTTP(rec, r)
	body, _ := io.ReadAll(rec.Result().Body)
	return string(body)
}

// The page probes wss://localhost only for a visitor on this machine who
// came by another address: that is where Chrome's Local Network Access
// holds an app's socket to localhost.
func TestLoopbackProbeOnlyFromThisMachineByAnotherAddress(t *testing.T) {
	cfg := Config{LoopbackPort: 9000}
	const probe = `data-loopback="wss://localhost:9000"`
	for _, c := range []struct {
		name, client, local, host string
		want                      bool
	}{
		{"this machine by its LAN address", "198.18.0.2:50000", "198.18.0.2:9000", "198.18.0.2:9000", true},
		{"this machine by a LAN name", "198.18.0.2:50000", "198.18.0.2:9000", "laptop.local:9000", true},
		{"this machine by localhost", "127.0.0.1:50000", "127.0.0.1:9000", "localhost:9000", false},
		{"this machine by ::1", "[::1]:50000", "[::1]:9000", "[::1]:9000", false},
		{"this machine by a localhost subdomain", "127.0.0.1:50000", "127.0.0.1:9000", "app.localhost:9000", false},
		{"a phone on the Wi-Fi", "198.18.0.3:50000", "198.18.0.2:9000", "198.18.0.2:9000", false},
	} {
		body := pageFrom(t, cfg, c.client, c.local, c.host)
		if got := strings.Contains(body, probe); got != c.want {
			t.Errorf("%s: probe %v, want %v", c.name, got, c.want)
		}
		if !c.want && !strings.Contains(body, `data-loopback=""`) {
			t.Errorf("%s: the page carries a probe target:\n%s", c.name, body)
		}
	}
	// No loopback listener: nothing to probe.
	if body := pageFrom(t, Config{}, "198.18.0.2:50000", "198.18.0.2:9000", "198.18.0.2:9000"); !strings.Contains(body, `data-loopback=""`) {
		t.Errorf("a server on no loopback address asks for a probe")
	}
}
