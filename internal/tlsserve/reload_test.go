package tlsserve

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"testing"
	"time"

	"github.com/rtdev/rtdev/internal/testpki"
)

func leafCN(t *testing.T, c *tls.Certificate) string {
	t.Helper()
	leaf, err := x509.ParseCertificate(c.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	return leaf.Subject.CommonName
}

// touch moves a file's mtime forward so a rewrite within the filesystem's
// timestamp granularity still counts as a change.
func touch(t *testing.T, name string, d time.Duration) {
	t.Helper()
	when := time.Now().Add(d)
	if err := os.Chtimes(name, when, when); err != nil {
		t.Fatal(err)
	}
}

// reloaderFixture serves a pair with CN first.localhost from files in a
// temporary folder and returns the pair with CN second.localhost to renew
// it with.
func reloaderFixture(t *testing.T) (r *CertReloader, dir, certFile, keyFile string, second testpki.PKI) {
	t.Helper()
	dir = t.TempDir()
	certFile, keyFile = testpki.New(t, "first.localhost").WriteFiles(t, dir)
	r, err := NewCertReloader(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	return r, dir, certFile, keyFile, testpki.New(t, "second.localhost")
}

func TestCertReloader(t *testing.T) {
	r, _, certFile, keyFile, second := reloaderFixture(t)
	get := func() string {
		c, err := r.GetCertificate(nil)
		if err != nil {
			t.Fatal(err)
		}
		return leafCN(t, c)
	}
	if cn := get(); cn != "first.localhost" {
		t.Fatalf("CN %q", cn)
	}

	// Half a renewal: the new certificate with the old key does not load;
	// the old pair stays in service and the error is kept.
	if err := os.WriteFile(certFile, second.CertPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	touch(t, certFile, time.Minute)
	if cn := get(); cn != "first.localhost" || r.Err() == nil {
		t.Fatalf("mismatched pair: serving %q, Err %v", cn, r.Err())
	}
	// The key lands: the next handshake gets the new pair.
	if err := os.WriteFile(keyFile, second.KeyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	touch(t, keyFile, time.Minute)
	if cn := get(); cn != "second.localhost" || r.Err() != nil {
		t.Fatalf("after renewal: serving %q, Err %v", cn, r.Err())
	}
	// A health report reads the same pair: the one now on disk.
	if cn := r.Leaf().Subject.CommonName; cn != "second.localhost" {
		t.Fatalf("Leaf() has CN %q, want the renewed certificate", cn)
	}
	// A file missing for a moment (mid-rename) keeps the pair in service.
	if err := os.Rename(keyFile, keyFile+".tmp"); err != nil {
		t.Fatal(err)
	}
	if cn := get(); cn != "second.localhost" {
		t.Fatalf("missing key: serving %q", cn)
	}
	if err := os.Rename(keyFile+".tmp", keyFile); err != nil {
		t.Fatal(err)
	}
}

func TestCertReloaderErrors(t *testing.T) {
	dir := t.TempDir()
	p := testpki.New(t, "x.localhost")
	certFile, keyFile := p.WriteFiles(t, dir)
	if _, err := NewCertReloader(certFile, dir+"/missing.pem"); err == nil {
		t.Error("missing key: no error")
	}
	if _, err := NewCertReloader(keyFile, certFile); err == nil {
		t.Error("swapped files: no error")
	}
}
