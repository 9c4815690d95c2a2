package checkpage

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/internal/testtool"
)

const (
	iPhoneUA  = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
	chromeIOS = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1"
	androidUA = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36"
	linuxUA   = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"
)

func newCA(t *testing.T) *ca.CA {
	t.Helper()
	c, err := ca.Create(filepath.Join(t.TempDir(), "ca"), ca.CreateOptions{Owner: "dev@laptop"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// request runs one request through h as if it reached local (the
// server's address), with the given User-Agent.
func request(t *testing.T, h http.Handler, method, path, ua, local string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	req.Header.Set("User-Agent", ua)
	if local != "" {
		addr, err := net.ResolveTCPAddr("tcp", local)
		if err != nil {
			t.Fatal(err)
		}
		req = req.WithContext(context.WithValue(req.Context(), http.LocalAddrContextKey, addr))
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Result().Body)
	return rec.Result(), string(body)
}

func TestPhonePageStepsFollowThePlatform(t *testing.T) {
	c := newCA(t)
	h := Handler(Config{CACertPEM: c.CertPEM, LANHosts: []string{"10.99.0.1", "192.168.1.20"}, Machine: "dev@laptop"})
	for _, tc := range []struct{ ua, first string }{{iPhoneUA, "ios"}, {androidUA, "android"}, {linuxUA, "desktop"}, {"", "desktop"}} {
		res, body := request(t, h, "GET", "/rtdev/phone", tc.ua, "10.99.0.1:9000")
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d", tc.first, res.StatusCode)
		}
		if !strings.Contains(body, `data-first="`+tc.first+`"`) {
			t.Errorf("%q: steps do not start with %s", tc.ua, tc.first)
		}
		first := strings.Index(body, `id="steps-`+tc.first+`"`)
		for _, other := range []string{"ios", "android", "desktop"} {
			if i := strings.Index(body, `id="steps-`+other+`"`); i < 0 || i < first {
				t.Errorf("%q: section %s missing or before %s", tc.ua, other, tc.first)
			}
		}
		for _, want := range []string{Fingerprint(c.CertPEM), "http://10.99.0.1:9000/rtdev/phone", `href="https://10.99.0.1:9000/rtdev/"`, "<svg ", "Not Signed", "Certificate Trust Settings", "Use third party CA certificates", "vendor", "dev@laptop"} {
			if !strings.Contains(body, want) {
				t.Errorf("%s page lacks %q", tc.first, want)
			}
		}
	}
	// Another address the certificate covers: the links follow it. A laptop
	// on loopback is shown the LAN address, the one a phone can reach.
	if _, body := request(t, h, "GET", "/rtdev/phone", iPhoneUA, "192.168.1.20:9000"); !strings.Contains(body, "http://192.168.1.20:9000/rtdev/phone") {
		t.Errorf("links do not follow the reached address")
	}
	if _, body := request(t, h, "GET", "/rtdev/phone", linuxUA, "127.0.0.1:9000"); !strings.Contains(body, "http://10.99.0.1:9000/rtdev/phone") {
		t.Errorf("a loopback visitor is not shown the LAN address")
	}
	if _, body := request(t, h, "GET", "/rtdev/phone", chromeIOS, "10.99.0.1:9000"); !strings.Contains(body, `id="not-safari"`) {
		t.Errorf("Chrome on iOS gets no Safari note")
	}
	if _, body := request(t, h, "GET", "/rtdev/phone", iPhoneUA, "10.99.0.1:9000"); strings.Contains(body, `id="not-safari"`) {
		t.Errorf("Safari gets the Safari note")
	}
}

func TestFingerprintGrouped(t *testing.T) {
	c := newCA(t)
	fp := Fingerprint(c.CertPEM)
	if strings.ReplaceAll(strings.ToLower(fp), " ", "") != c.Fingerprint() || len(strings.Fields(fp)) != 16 {
		t.Errorf("Fingerprint = %q, CA = %s", fp, c.Fingerprint())
	}
}

// The profile is what Apple's schema asks for, read by Python's plistlib
// (the parser the issue names), with the CA's DER as its payload.
func TestMobileconfig(t *testing.T) {
	c := newCA(t)
	h := Handler(Config{CACertPEM: c.CertPEM, Machine: "dev@laptop"})
	res, body := request(t, h, "GET", "/rtdev/rtdev-ca.mobileconfig", iPhoneUA, "")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "application/x-apple-aspen-config" {
		t.Fatalf("%d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	block, _ := pem.Decode(c.CertPEM)
	dir := t.TempDir()
	profile := filepath.Join(dir, "rtdev.mobileconfig")
	der := filepath.Join(dir, "ca.der")
	if err := os.WriteFile(profile, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(der, block.Bytes, 0o644); err != nil {
		t.Fatal(err)
	}
	script := `
import plistlib, sys
p = plistlib.load(open(sys.argv[1], "rb"))
der = open(sys.argv[2], "rb").read()
assert p["PayloadType"] == "Configuration" and p["PayloadVersion"] == 1, p
assert p["PayloadIdentifier"].startswith("dev.rtdev.ca."), p["PayloadIdentifier"]
assert "dev@laptop" in p["PayloadDisplayName"], p["PayloadDisplayName"]
(payload,) = p["PayloadContent"]
assert payload["PayloadType"] == "com.apple.security.root", payload["PayloadType"]
assert payload["PayloadContent"] == der, "payload is not the CA's DER"
print(p["PayloadUUID"], payload["PayloadUUID"])
`
	out, err := exec.Command(testtool.Python(t), "-c", script, profile, der).CombinedOutput()
	if err != nil {
		t.Fatalf("plistlib: %v\n%s", err, out)
	}
	// Stable for one CA: a second download replaces the installed profile.
	_, again := request(t, Handler(Config{CACertPEM: c.CertPEM, Machine: "dev@laptop"}), "GET", "/rtdev/rtdev-ca.mobileconfig", "", "")
	if again != body {
		t.Error("the profile differs between two handlers for one CA")
	}
	ids := strings.Fields(string(out))
	if len(ids) != 2 || ids[0] == ids[1] {
		t.Errorf("UUIDs %q", ids)
	}
	if other := newCA(t); strings.Contains(string(mobileconfig(mustParse(t, other.CertPEM), "dev@laptop")), ids[0]) {
		t.Error("another CA got the same profile UUID")
	}
}

func mustParse(t *testing.T, certPEM []byte) *x509.Certificate {
	t.Helper()
	b, _ := pem.Decode(certPEM)
	cert, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

func TestCRTIsTheDER(t *testing.T) {
	c := newCA(t)
	res, body := request(t, Handler(Config{CACertPEM: c.CertPEM}), "GET", "/rtdev/rtdev-ca.crt", androidUA, "")
	block, _ := pem.Decode(c.CertPEM)
	if res.StatusCode != 200 || body != string(block.Bytes) || res.Header.Get("Content-Type") != "application/x-x509-ca-cert" {
		t.Fatalf("%d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for _, p := range PlainPaths("") {
		if res, _ := request(t, Handler(Config{CACertPEM: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte{0x30, 0x00}})}), "GET", p, "", ""); res.StatusCode != 404 {
			t.Errorf("%s served from a PEM that is a key: %d", p, res.StatusCode)
		}
	}
}

// Without --lan the phone page, too, names the command to run and shows
// no QR code of localhost.
func TestPhonePageWithoutLAN(t *testing.T) {
	c := newCA(t)
	h := Handler(Config{CACertPEM: c.CertPEM, LANCommand: "./bin/rtdev serve --lan"})
	_, body := request(t, h, "GET", "/rtdev/phone", linuxUA, "127.0.0.1:9000")
	if strings.Contains(body, "<svg") || strings.Contains(body, `id="setup-url"`) {
		t.Errorf("a QR code of localhost without --lan:\n%s", body)
	}
	if !strings.Contains(body, `<code id="lan-command">./bin/rtdev serve --lan</code>`) {
		t.Errorf("the page lacks the command to run:\n%s", body)
	}
}
