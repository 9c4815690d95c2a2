package checkpage

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
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
	body, _ := io.ReadAll(get(t, h, "/rtdev/").Body)
	if strings.Contains(string(body), "<script>x") {
		t.Fatal("key was not escaped into the page")
	}
}

func TestCACertServedNeverAKey(t *testing.T) {
	pemCert := []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
	res := get(t, Handler(Config{CACertPEM: pemCert}), "/rtdev/ca.pem")
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || string(body) != string(pemCert) {
		t.Fatalf("ca.pem: %d %q", res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/x-x509-ca-cert" {
		t.Errorf("content type %q", ct)
	}
	withKey := append(append([]byte{}, pemCert...), testKeyPEM(t)...)
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

// testKeyPEM is a fresh PKCS#8 private key, made at test time so that no
// key is ever stored in the repository.
func testKeyPEM(t *testing.T) []byte {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}
