package ca

import (
	"bytes"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// testNow is a fixed clock so certificate dates are reproducible.
var testNow = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

// newCA creates a CA in a fresh temporary folder.
func newCA(t *testing.T, o CreateOptions) *CA {
	t.Helper()
	c, err := Create(filepath.Join(t.TempDir(), "ca"), o)
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return c
}

// constrainedOpts is a CA as `rtdev init --host corp.example --host
// 203.0.113.7` would make it on a machine named devbox.
func constrainedOpts() CreateOptions {
	return CreateOptions{
		Hostname: "devbox",
		Hosts:    []HostRequest{{"corp.example", OriginFlag}, {"203.0.113.7", OriginFlag}},
		Owner:    "dev@devbox",
	}
}

func mustNames(t *testing.T, in ...string) []Name {
	t.Helper()
	names, err := ParseNames(in)
	if err != nil {
		t.Fatalf("ParseNames(%q): %v", in, err)
	}
	return names
}

// signBypass signs a leaf for names straight with x509.CreateCertificate,
// skipping Issue's constraint check and verification, to see what verifiers
// make of a leaf the CA certificate (c.Cert, possibly a doctored copy) does
// not vouch for.
func signBypass(t *testing.T, c *CA, names []Name) *Leaf {
	t.Helper()
	key, err := generateKey(ECDSA)
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := c.leafTemplate(key.Public(), names, true, time.Now(), DefaultValidity)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.Cert, key.Public(), c.Key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &Leaf{Cert: cert, CertPEM: certPEM(der), Key: key}
}

// goVerify runs Go's verifier the way a client with only this root would:
// the verification Issue itself runs, at the current time.
func goVerify(c *CA, cert *x509.Certificate) error { return c.verify(cert, time.Now()) }

func writeFile(t *testing.T, path string, data []byte, perm os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, data, perm); err != nil {
		t.Fatal(err)
	}
}

// issueP12 issues a localhost leaf of key type kt and encodes it, with the
// CA, as PKCS#12 under a new password.
func issueP12(t *testing.T, c *CA, kt KeyType) (leaf *Leaf, password string, p12 []byte) {
	t.Helper()
	l, err := c.Issue(LeafOptions{Names: mustNames(t, "localhost"), KeyType: kt})
	if err != nil {
		t.Fatal(err)
	}
	pw := NewPassword()
	data, err := l.PKCS12(c.Cert, pw)
	if err != nil {
		t.Fatal(err)
	}
	return l, pw, data
}

// isPKCS8PEM reports whether data starts with one PEM block of type
// "PRIVATE KEY" (PKCS#8), with nothing before it.
func isPKCS8PEM(data []byte) bool {
	b, _ := pem.Decode(data)
	return b != nil && b.Type == "PRIVATE KEY" && bytes.HasPrefix(data, pem.EncodeToMemory(b))
}
