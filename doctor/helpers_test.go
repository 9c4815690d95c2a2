package doctor

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/devserver"
	"github.com/rtdev/rtdev/internal/testtool"
)

// testTimeout bounds each probe step in tests; a failure deadline, never a
// measured duration.
const testTimeout = 10 * time.Second

// newRTDevCA creates a real rtdev CA in a temporary folder.
func newRTDevCA(t *testing.T) *ca.CA {
	t.Helper()
	c, err := ca.Create(filepath.Join(t.TempDir(), "ca"), ca.CreateOptions{Hostname: "devbox", Owner: "dev@devbox"})
	if err != nil {
		t.Fatalf("create CA: %v", err)
	}
	return c
}

// issue issues a leaf for names from c.
func issue(t *testing.T, c *ca.CA, names ...string) *ca.Leaf {
	t.Helper()
	parsed, err := ca.ParseNames(names)
	if err != nil {
		t.Fatal(err)
	}
	l, err := c.Issue(ca.LeafOptions{Names: parsed})
	if err != nil {
		t.Fatalf("issue %v: %v", names, err)
	}
	return l
}

// testCert is a certificate with its key, made by x509.CreateCertificate
// for the cases the ca package refuses to make (odd dates, intermediates,
// weak keys, self-signed leaves).
type testCert struct {
	cert *x509.Certificate
	key  crypto.Signer
}

var serial int64

// makeCert signs tmpl with parent (self-signed when parent is nil) for key
// (a new P-256 key when nil). Zero dates become "an hour ago to a day ahead".
func makeCert(t *testing.T, tmpl *x509.Certificate, parent *testCert, key crypto.Signer) testCert {
	t.Helper()
	if key == nil {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		key = k
	}
	serial++
	tmpl.SerialNumber = big.NewInt(serial)
	if tmpl.NotBefore.IsZero() {
		tmpl.NotBefore = time.Now().Add(-time.Hour)
	}
	if tmpl.NotAfter.IsZero() {
		tmpl.NotAfter = time.Now().Add(24 * time.Hour)
	}
	if tmpl.IsCA {
		tmpl.BasicConstraintsValid = true
		tmpl.KeyUsage |= x509.KeyUsageCertSign
	} else if tmpl.ExtKeyUsage == nil {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
		tmpl.KeyUsage |= x509.KeyUsageDigitalSignature
	}
	signer, parentCert := key, tmpl
	if parent != nil {
		signer, parentCert = parent.key, parent.cert
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parentCert, key.Public(), signer)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return testCert{cert: cert, key: key}
}

// newRoot is a self-signed CA that is not rtdev's.
func newRoot(t *testing.T, cn string) testCert {
	return makeCert(t, &x509.Certificate{Subject: pkix.Name{CommonName: cn}, IsCA: true}, nil, nil)
}

// localhostLeaf is a leaf for localhost and 127.0.0.1 signed by parent.
func localhostLeaf(t *testing.T, parent testCert) testCert {
	return makeCert(t, &x509.Certificate{Subject: pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}, &parent, nil)
}

// aiaChain is a CA named rootCN with an intermediate interCN, published
// where its AIA caIssuers URL says (a loopback server, as public CAs
// publish theirs), and a leaf for localhost and 127.0.0.1 it issued.
func aiaChain(t *testing.T, rootCN, interCN string) (root, inter, leaf testCert) {
	t.Helper()
	root = newRoot(t, rootCN)
	inter = makeCert(t, &x509.Certificate{Subject: pkix.Name{CommonName: interCN}, IsCA: true}, &root, nil)
	aia := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(inter.cert.Raw) }))
	t.Cleanup(aia.Close)
	leaf = makeCert(t, &x509.Certificate{Subject: pkix.Name{CommonName: "localhost"}, DNSNames: []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, IssuingCertificateURL: []string{aia.URL + "/inter.der"}}, &inter, nil)
	return root, inter, leaf
}

func pool(certs ...*x509.Certificate) *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range certs {
		p.AddCert(c)
	}
	return p
}

func tlsCert(key crypto.Signer, chain ...*x509.Certificate) tls.Certificate {
	tc := tls.Certificate{PrivateKey: key, Leaf: chain[0]}
	for _, c := range chain {
		tc.Certificate = append(tc.Certificate, c.Raw)
	}
	return tc
}

// listen opens a TCP listener on addr (host:0), closed at the end of t.
func listen(t *testing.T, addr string) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

// serveRaw accepts connections on a loopback port and runs handle on each
// in its own goroutine, closing the connection after it; for servers that
// are not HTTP servers.
func serveRaw(t *testing.T, handle func(net.Conn)) string {
	t.Helper()
	ln := listen(t, "127.0.0.1:0")
	testtool.Serve(t, ln, handle)
	return ln.Addr().String()
}

// serveTLS runs an HTTPS server on ln presenting cert, answering 200 "ok".
func serveTLS(t *testing.T, ln net.Listener, cert tls.Certificate) string {
	t.Helper()
	return startTLS(t, ln, cert).Listener.Addr().String()
}

// startTLS is serveTLS returning the server, for a test that restarts it
// with other files as a user applying a fix would.
func startTLS(t *testing.T, ln net.Listener, cert tls.Certificate) *httptest.Server {
	t.Helper()
	s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("ok")) }))
	s.Listener.Close()
	s.Listener = ln
	s.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	// Probes end handshakes on purpose; keep net/http's log of them quiet.
	s.Config.ErrorLog = log.New(io.Discard, "", 0)
	s.StartTLS()
	t.Cleanup(s.Close)
	return s
}

// servePeerJS runs the real `rtdev serve` server with cfg and leaf on a
// loopback port and returns its address.
func servePeerJS(t *testing.T, cfg devserver.Config, leaf *ca.Leaf) string {
	t.Helper()
	srv, err := devserver.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln := listen(t, "127.0.0.1:0")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	conf := &tls.Config{Certificates: []tls.Certificate{tlsCert(leaf.Key, leaf.Cert)}}
	go func() { done <- srv.Serve(ctx, ln, conf, nil) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil && !errors.Is(err, net.ErrClosed) {
			t.Errorf("serve: %v", err)
		}
	})
	return ln.Addr().String()
}

func testProbeOptions(roots ...*x509.Certificate) ProbeOptions {
	return ProbeOptions{RootCAs: pool(roots...), Timeout: testTimeout}
}

// mustFind returns the finding with id, failing the test (with every
// finding) when there is none.
func mustFind(t *testing.T, fs []Finding, id string) Finding {
	t.Helper()
	i := slices.IndexFunc(fs, func(f Finding) bool { return f.ID == id })
	if i < 0 {
		t.Fatalf("no %s finding; got %v", id, describe(fs))
	}
	f := fs[i]
	if f.Message == "" || f.Subject == "" || f.Severity == "" {
		t.Errorf("%s: incomplete finding %+v", id, f)
	}
	return f
}

// mustNotFind fails when a finding with id is present.
func mustNotFind(t *testing.T, fs []Finding, id string) {
	t.Helper()
	if slices.ContainsFunc(fs, func(f Finding) bool { return f.ID == id }) {
		t.Fatalf("unexpected %s finding; got %v", id, describe(fs))
	}
}

func describe(fs []Finding) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.ID+" ("+string(f.Severity)+"): "+f.Message)
	}
	return out
}

// problems lists the IDs of warn and error findings.
func problems(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		if f.Severity.Problem() {
			out = append(out, f.ID)
		}
	}
	return out
}
