package tlsserve

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"

	"github.com/rtdev/rtdev/ca"
)

// testPKI is what `rtdev init` gives a project, made by the ca package in a
// temporary folder: a fresh rtdev CA and a leaf for a name of the test's
// choosing (its CN), localhost, 127.0.0.1 and ::1.
type testPKI struct {
	certPEM, keyPEM []byte // the leaf
	cert            tls.Certificate
	pool            *x509.CertPool // the CA alone
}

// newTestPKI issues the leaf for name, which must be a DNS name the CA
// permits (for example first.localhost).
func newTestPKI(tb testing.TB, name string) testPKI {
	tb.Helper()
	c, err := ca.Create(filepath.Join(tb.TempDir(), "ca"), ca.CreateOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	names, err := ca.ParseNames([]string{name, "localhost", "127.0.0.1", "::1"})
	if err != nil {
		tb.Fatal(err)
	}
	leaf, err := c.Issue(ca.LeafOptions{Names: names})
	if err != nil {
		tb.Fatal(err)
	}
	p := testPKI{certPEM: leaf.CertPEM, keyPEM: leaf.KeyPEM, pool: x509.NewCertPool()}
	if p.cert, err = tls.X509KeyPair(p.certPEM, p.keyPEM); err != nil {
		tb.Fatal(err)
	}
	p.pool.AddCert(c.Cert)
	return p
}

func (p testPKI) clientConfig() *tls.Config {
	return &tls.Config{RootCAs: p.pool, MinVersion: tls.VersionTLS12}
}

// writeFiles stores the pair as cert.pem/key.pem in dir for the reloader tests.
func (p testPKI) writeFiles(tb testing.TB, dir string) (certFile, keyFile string) {
	tb.Helper()
	certFile = filepath.Join(dir, "cert.pem")
	keyFile = filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, p.certPEM, 0o644); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(keyFile, p.keyPEM, 0o600); err != nil {
		tb.Fatal(err)
	}
	return certFile, keyFile
}
