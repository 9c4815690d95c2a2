package checkpage

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/devserver"
)

func get(t *testing.T, h http.Handler, path string) *http.Response {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Result()
}

func TestPageCarriesServerSettings(t *testing.T) {
	h := Handler(Config{PeerPath: "/signal/", PeerKey: "team"})
	res := get(t, h, "/rtdev/")
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	for _, want := range []string{`data-path="/signal/"`, `data-key="team"`, `src="/rtdev/check.js"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("CSP = %q", csp)
	}
}

func TestPageEscapesSettings(t *testing.T) {
	h := Handler(Config{PeerKey: `"><script>x</script>`})
	res := get(t, h, "/rtdev/")
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || strings.Contains(string(body), "<script>x") {
		t.Fatalf("key was not escaped into the page: %d\n%s", res.StatusCode, body)
	}
	if want := `data-key="&#34;&gt;&lt;script&gt;x&lt;/script&gt;"`; !strings.Contains(string(body), want) {
		t.Errorf("page lacks the escaped key %s:\n%s", want, body)
	}
}

func TestDefaultsAreTheServers(t *testing.T) {
	body, _ := io.ReadAll(get(t, Handler(Config{}), "/rtdev/").Body)
	for _, want := range []string{`data-path="` + devserver.DefaultPath + `"`, `data-key="` + devserver.DefaultKey + `"`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("page lacks %s", want)
		}
	}
}

func TestCACertServedNeverAKey(t *testing.T) {
	c, err := ca.Create(filepath.Join(t.TempDir(), "ca"), ca.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res := get(t, Handler(Config{CACertPEM: c.CertPEM}), "/rtdev/ca.pem")
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || string(body) != string(c.CertPEM) {
		t.Fatalf("ca.pem: %d %q", res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/x-x509-ca-cert" {
		t.Errorf("content type %q", ct)
	}
	// The CA's own key appended by mistake.
	keyPEM, err := os.ReadFile(filepath.Join(c.Dir, ca.KeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	withKey := append(append([]byte{}, c.CertPEM...), keyPEM...)
	if res := get(t, Handler(Config{CACertPEM: withKey}), "/rtdev/ca.pem"); res.StatusCode != 404 {
		t.Fatalf("a PEM holding a key was served: %d", res.StatusCode)
	}
	if res := get(t, Handler(Config{CACertPEM: []byte("not a certificate")}), "/rtdev/ca.pem"); res.StatusCode != 404 {
		t.Fatalf("text that is no PEM was served: %d", res.StatusCode)
	}
	if res := get(t, Handler(Config{}), "/rtdev/ca.pem"); res.StatusCode != 404 {
		t.Fatalf("no CA configured: %d", res.StatusCode)
	}
}

func TestHealth(t *testing.T) {
	h := Handler(Config{Health: func() any { return map[string]int{"peers": 3} }})
	res := get(t, h, "/rtdev/health")
	var doc map[string]int
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil || doc["peers"] != 3 {
		t.Fatalf("health = %v, %v", doc, err)
	}
	var def map[string]string
	if err := json.NewDecoder(get(t, Handler(Config{}), "/rtdev/health").Body).Decode(&def); err != nil || def["status"] != "ok" {
		t.Fatalf("default health = %v, %v", def, err)
	}
}

func TestAssetsAndUnknownPaths(t *testing.T) {
	h := Handler(Config{})
	if res := get(t, h, "/rtdev/check.js"); res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/javascript") {
		t.Fatalf("check.js: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	if res := get(t, h, "/rtdev/nope"); res.StatusCode != 404 {
		t.Fatalf("unknown path: %d", res.StatusCode)
	}
}
