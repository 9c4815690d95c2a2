package testpki

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"

	"github.com/rtdev/rtdev/ca"
)

// PKI is what `rtdev init` gives a project, made by the ca package in a
// temporary folder: a fresh rtdev CA and a leaf for a name of the test's
// choosing (its CN), localhost, 127.0.0.1 and ::1.
type PKI struct {
	CAFile          string // the CA certificate, PEM
	CertPEM, KeyPEM []byte // the leaf
	Cert            tls.Certificate
	Pool            *x509.CertPool // the CA alone
}

// New issues the leaf for name, which must be a DNS name the CA permits
// (for example first.localhost), and for more names or addresses.
func New(tb testing.TB, name string, more ...string) PKI {
	tb.Helper()
	c, err := ca.Create(filepath.Join(tb.TempDir(), "ca"), ca.CreateOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	names, err := ca.ParseNames(append([]string{name, "localhost", "127.0.0.1", "::1"}, more...))
	if err != nil {
		tb.Fatal(err)
	}
	leaf, err := c.Issue(ca.LeafOptions{Names: names})
	if err != nil {
		tb.Fatal(err)
	}
	p := PKI{
		CAFile:  filepath.Join(c.Dir, ca.CertFileName),
		CertPEM: leaf.CertPEM,
		KeyPEM:  leaf.KeyPEM,
		Pool:    x509.NewCertPool(),
	}
	if p.Cert, err = tls.X509KeyPair(p.CertPEM, p.KeyPEM); err != nil {
		tb.Fatal(err)
	}
	p.Pool.AddCert(c.Cert)
	return p
}

// ServerConfig serves the leaf.
func (p PKI) ServerConfig() *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{p.Cert}}
}

// ClientConfig trusts the CA alone.
func (p PKI) ClientConfig() *tls.Config {
	return &tls.Config{RootCAs: p.Pool, MinVersion: tls.VersionTLS12}
}

// WriteFiles stores the pair as cert.pem/key.pem in dir, as a project's
// .rtdev/ holds it, for tests of reading and reloading it.
func (p PKI) WriteFiles(tb testing.TB, dir string) (certFile, keyFile string) {
	tb.Helper()
	certFile = filepath.Join(dir, "cert.pem")
	keyFile = filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, p.CertPEM, 0o644); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(keyFile, p.KeyPEM, 0o600); err != nil {
		tb.Fatal(err)
	}
	return certFile, keyFile
}
