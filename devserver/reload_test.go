package devserver

import (
	"crypto/tls"
	"os"
	"testing"
	"time"

	"github.com/rtdev/rtdev/internal/tlsserve"
)

// Serve with the reloader: a renewed certificate reaches new connections
// without a restart, and the health report describes it.
func TestServeWithCertReloader(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile := newTestPKI(t, "first.localhost").WriteFiles(t, dir)
	r, err := tlsserve.NewCertReloader(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	ts := startServerTLS(t, Config{}, &tls.Config{GetCertificate: r.GetCertificate}, nil)
	peerCN := func() string {
		c, err := tls.Dial("tcp", ts.addr, &tls.Config{InsecureSkipVerify: true}) // the CN is what is checked
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.ConnectionState().PeerCertificates[0].Subject.CommonName
	}
	if cn := peerCN(); cn != "first.localhost" {
		t.Fatalf("CN %q", cn)
	}
	newTestPKI(t, "second.localhost").WriteFiles(t, dir)
	// A later mtime, so a rewrite within the filesystem's timestamp
	// granularity still counts as a change.
	later := time.Now().Add(time.Minute)
	for _, f := range []string{certFile, keyFile} {
		if err := os.Chtimes(f, later, later); err != nil {
			t.Fatal(err)
		}
	}
	if cn := peerCN(); cn != "second.localhost" {
		t.Fatalf("after renewal CN %q", cn)
	}
	if h := CertHealthOf(r.Leaf()); h.Names[0] != "second.localhost" || h.SHA256 == "" {
		t.Fatalf("CertHealthOf(Leaf()) = %+v, want the renewed certificate", h)
	}
}
