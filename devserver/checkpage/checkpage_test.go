package checkpage

import (
	"bytes"
	"encoding/json"
	"image/png"
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

// Without --lan the only address is this machine's own: the page shows the
// command that makes a phone's setup possible, never a QR code of
// localhost.
func TestPageWithoutLANShowsTheCommand(t *testing.T) {
	body, _ := io.ReadAll(get(t, Handler(Config{LANCommand: "./bin/rtdev serve --port=9001 --lan"}), "/rtdev/").Body)
	page := string(body)
	if strings.Contains(page, `id="setup-qr"`) || strings.Contains(page, "<svg") || strings.Contains(page, "http://localhost") {
		t.Errorf("the page shows a QR code or a localhost setup link without --lan:\n%s", page)
	}
	if !strings.Contains(page, `<code id="lan-command">./bin/rtdev serve --port=9001 --lan</code>`) {
		t.Errorf("the page lacks the command to run:\n%s", page)
	}
	body, _ = io.ReadAll(get(t, Handler(Config{}), "/rtdev/").Body)
	if !strings.Contains(string(body), `<code id="lan-command">rtdev serve --lan</code>`) {
		t.Errorf("the default command is missing:\n%s", body)
	}
	body, _ = io.ReadAll(get(t, Handler(Config{LANHosts: []string{"192.168.1.20"}}), "/rtdev/").Body)
	if page := string(body); !strings.Contains(page, `id="setup-qr"`) || !strings.Contains(page, "<svg") || strings.Contains(page, `id="lan-note"`) {
		t.Errorf("under --lan the page must show the QR code and no note:\n%s", page)
	}
}

func TestFavicon(t *testing.T) {
	h := Handler(Config{})
	res := get(t, h, "/rtdev/favicon.ico")
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/x-icon" {
		t.Fatalf("favicon: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	// One icon (ICONDIR 0, 1, 1) of 32x32 whose image is a PNG at offset 22.
	if len(body) < 22 || string(body[:6]) != "\x00\x00\x01\x00\x01\x00" || body[6] != 32 || body[7] != 32 {
		t.Fatalf("not a one-image ICO: % x", body[:min(len(body), 22)])
	}
	img, err := png.Decode(bytes.NewReader(body[22:]))
	if err != nil || img.Bounds().Dx() != 32 || img.Bounds().Dy() != 32 {
		t.Fatalf("the icon's PNG: %v %v", err, img)
	}
	page, _ := io.ReadAll(get(t, h, "/rtdev/").Body)
	if !strings.Contains(string(page), `<link rel="icon" href="/rtdev/favicon.ico">`) {
		t.Errorf("the page does not link the icon")
	}
}
