package doctor

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// aiaLeaf is a certificate whose AIA caIssuers URLs are urls.
func aiaLeaf(t *testing.T, urls ...string) *x509.Certificate {
	t.Helper()
	root := newRoot(t, "Test Root")
	return makeCert(t, &x509.Certificate{Subject: pkix.Name{CommonName: "localhost"}, IssuingCertificateURL: urls}, &root, nil).cert
}

// countingServer counts requests and answers with h.
func countingServer(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { n.Add(1); h(w, r) }))
	t.Cleanup(srv.Close)
	return srv, &n
}

func allowAll(net.IP) bool { return true }

func TestAIAFetchBounds(t *testing.T) {
	junk := func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte("not a certificate")) }

	t.Run("no loopback or private target by default", func(t *testing.T) {
		srv, n := countingServer(t, junk)
		// By address and by a name that resolves to loopback.
		_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
		p := &prober{o: ProbeOptions{Timeout: testTimeout}}
		p.fetchIssuer(t.Context(), aiaLeaf(t, srv.URL+"/a", "http://localhost:"+port+"/b"))
		if n.Load() != 0 {
			t.Fatalf("the AIA server on loopback got %d requests, want 0", n.Load())
		}
		for _, a := range []string{"127.0.0.1", "::1", "10.1.2.3", "192.168.1.1", "172.16.0.1", "100.64.0.1", "169.254.169.254", "fd00::1", "fe80::1", "0.0.0.0", "224.0.0.1"} {
			if publicAddr(net.ParseIP(a)) {
				t.Errorf("publicAddr(%s) = true", a)
			}
		}
		if !publicAddr(net.ParseIP("192.0.2.10")) {
			t.Error("publicAddr(192.0.2.10) = false")
		}
	})

	t.Run("at most two URLs", func(t *testing.T) {
		srv, n := countingServer(t, junk)
		var urls []string
		for i := range 5 {
			urls = append(urls, fmt.Sprintf("%s/%d", srv.URL, i))
		}
		p := &prober{o: ProbeOptions{Timeout: testTimeout, aiaAddrAllowed: allowAll}}
		p.fetchIssuer(t.Context(), aiaLeaf(t, urls...))
		if got := n.Load(); got != maxAIAURLs {
			t.Fatalf("%d URLs fetched, want %d", got, maxAIAURLs)
		}
	})

	t.Run("at most two redirects", func(t *testing.T) {
		var srv *httptest.Server
		srv, n := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, srv.URL+r.URL.Path+"x", http.StatusFound)
		})
		p := &prober{o: ProbeOptions{Timeout: testTimeout, aiaAddrAllowed: allowAll}}
		p.fetchIssuer(t.Context(), aiaLeaf(t, srv.URL+"/r"))
		if got := n.Load(); got != 1+maxAIARedirects {
			t.Fatalf("%d requests, want the first and %d redirects", got, maxAIARedirects)
		}
	})

	t.Run("one deadline for the whole probe", func(t *testing.T) {
		// The first URL stalls past the deadline; the second is never
		// requested, because the deadline covers every AIA fetch.
		release := make(chan struct{})
		srv, n := countingServer(t, func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-release:
			}
		})
		defer close(release)
		p := &prober{o: ProbeOptions{Timeout: 200 * time.Millisecond, aiaAddrAllowed: allowAll}}
		done := make(chan struct{})
		go func() { p.fetchIssuer(t.Context(), aiaLeaf(t, srv.URL+"/1", srv.URL+"/2")); close(done) }()
		select {
		case <-done:
		case <-time.After(testTimeout):
			t.Fatal("fetchIssuer did not return within the test timeout")
		}
		if got := n.Load(); got != 1 {
			t.Fatalf("%d requests, want 1 (the second URL after the deadline is not tried)", got)
		}
	})

	t.Run("size cap", func(t *testing.T) {
		// A real issuer, padded past the cap with an extension: without
		// the cap it would be read whole and accepted.
		root := newRoot(t, "Test Root")
		big := makeCert(t, &x509.Certificate{Subject: pkix.Name{CommonName: "Big Intermediate"}, IsCA: true,
			ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 55555, 1}, Value: make([]byte, 2*maxIssuerBytes)}}}, &root, nil)
		srv, _ := countingServer(t, func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(big.cert.Raw) })
		leaf := makeCert(t, &x509.Certificate{Subject: pkix.Name{CommonName: "localhost"}, IssuingCertificateURL: []string{srv.URL + "/big"}}, &big, nil).cert
		p := &prober{o: ProbeOptions{Timeout: testTimeout, aiaAddrAllowed: allowAll}}
		if got := p.fetchIssuer(t.Context(), leaf); got != nil {
			t.Fatalf("a %d-byte issuer was read past the %d-byte cap", len(big.cert.Raw), maxIssuerBytes)
		}
	})
}
