package doctor

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"net"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestProbeUntrustedSelfSignedCA(t *testing.T) {
	other := newRoot(t, "Other Dev CA")
	leaf := localhostLeaf(t, other)
	addr := serveTLS(t, listen(t, "127.0.0.1:0"), tlsCert(leaf.key, leaf.cert))
	o := testProbeOptions(newRTDevCA(t).Cert) // trusts only an rtdev CA
	fs := Probe(t.Context(), "https://"+addr+"/", o)
	f := mustFind(t, fs, IDCertUnknownAuthority)
	if !strings.Contains(f.Message, "Other Dev CA") {
		t.Errorf("message %q does not name the issuer", f.Message)
	}
	for _, id := range []string{IDCertSelfSigned, IDCertIncompleteChain, IDCertUntrustedRTDevCA, IDCertOK, IDCertNameMismatch} {
		mustNotFind(t, fs, id)
	}
	// The probe goes on after a certificate problem: TLS itself is fine.
	mustFind(t, fs, IDTLSOK)
}

func TestProbeSelfSignedLeaf(t *testing.T) {
	self := makeCert(t, &x509.Certificate{Subject: pkix.Name{CommonName: "localhost"}, DNSNames: []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}, nil, nil)
	addr := serveTLS(t, listen(t, "127.0.0.1:0"), tlsCert(self.key, self.cert))
	fs := Probe(t.Context(), "https://"+addr+"/", testProbeOptions())
	mustFind(t, fs, IDCertSelfSigned)
	mustNotFind(t, fs, IDCertUnknownAuthority)
}

func TestProbeRTDevCANotTrusted(t *testing.T) {
	c := newRTDevCA(t)
	leaf := issue(t, c, "localhost", "127.0.0.1")
	addr := serveTLS(t, listen(t, "127.0.0.1:0"), tlsCert(leaf.Key, leaf.Cert))

	t.Run("yours", func(t *testing.T) {
		o := testProbeOptions() // an empty store: the CA is not installed
		o.RTDevCA = c.Cert
		fs := Probe(t.Context(), "https://"+addr+"/", o)
		f := mustFind(t, fs, IDCertUntrustedRTDevCA)
		if f.Fix != "rtdev trust install" || f.Details["ca_fingerprint"] != c.Fingerprint() {
			t.Errorf("fix %q, details %v", f.Fix, f.Details)
		}
	})
	t.Run("another machine's", func(t *testing.T) {
		o := testProbeOptions()
		o.RTDevCA = newRTDevCA(t).Cert
		fs := Probe(t.Context(), "https://"+addr+"/", o)
		mustFind(t, fs, IDCertOtherRTDevCA)
		mustNotFind(t, fs, IDCertUntrustedRTDevCA)
	})
}

func TestProbeNameMismatch(t *testing.T) {
	root := newRoot(t, "Test Root")
	leaf := makeCert(t, &x509.Certificate{Subject: pkix.Name{CommonName: "localhost"}, DNSNames: []string{"localhost"}}, &root, nil)
	// All of 127/8 is loopback on Linux: a server on 127.0.0.2 is asked
	// for by an address its certificate does not list.
	addr := serveTLS(t, listen(t, "127.0.0.2:0"), tlsCert(leaf.key, leaf.cert))
	fs := Probe(t.Context(), "https://"+addr+"/", testProbeOptions(root.cert))
	f := mustFind(t, fs, IDCertNameMismatch)
	if f.Details["host"] != "127.0.0.2" || !slices.Equal(f.Details["names"].([]string), []string{"localhost"}) {
		t.Errorf("details %v", f.Details)
	}
	if f.Fix != "rtdev cert 127.0.0.2" {
		t.Errorf("fix %q", f.Fix)
	}
	mustNotFind(t, fs, IDCertUnknownAuthority)

	// The same with the project's own CA suggests adding the host to it.
	c := newRTDevCA(t)
	own := issue(t, c, "localhost")
	addr = serveTLS(t, listen(t, "127.0.0.2:0"), tlsCert(own.Key, own.Cert))
	o := testProbeOptions(c.Cert)
	o.RTDevCA = c.Cert
	f = mustFind(t, Probe(t.Context(), "https://"+addr+"/", o), IDCertNameMismatch)
	if f.Fix != "rtdev init --host 127.0.0.2" {
		t.Errorf("fix %q", f.Fix)
	}
}

func TestProbeCertDates(t *testing.T) {
	root := newRoot(t, "Test Root")
	now := time.Now()
	for _, tc := range []struct {
		name      string
		from, to  time.Time
		wantID    string
		wantInMsg time.Time
	}{
		{"expired", now.Add(-60 * 24 * time.Hour), now.Add(-30 * 24 * time.Hour), IDCertExpired, now.Add(-30 * 24 * time.Hour)},
		{"not yet valid", now.Add(30 * 24 * time.Hour), now.Add(60 * 24 * time.Hour), IDCertNotYetValid, now.Add(30 * 24 * time.Hour)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			leaf := makeCert(t, &x509.Certificate{Subject: pkix.Name{CommonName: "localhost"},
				IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, NotBefore: tc.from, NotAfter: tc.to}, &root, nil)
			addr := serveTLS(t, listen(t, "127.0.0.1:0"), tlsCert(leaf.key, leaf.cert))
			fs := Probe(t.Context(), "https://"+addr+"/", testProbeOptions(root.cert))
			f := mustFind(t, fs, tc.wantID)
			if !strings.Contains(f.Message, date(tc.wantInMsg)) {
				t.Errorf("message %q lacks the date %s", f.Message, date(tc.wantInMsg))
			}
			// Dates are reported alone: the chain is otherwise fine.
			if got := problems(fs); !slices.Equal(got, []string{tc.wantID}) {
				t.Errorf("problems %v, want only %s", describe(fs), tc.wantID)
			}
		})
	}
}

func TestProbeIncompleteChain(t *testing.T) {
	// The server leaves the intermediate out of the handshake.
	root, inter, leaf := aiaChain(t, "Test Root", "Test Intermediate")

	leafOnly := serveTLS(t, listen(t, "127.0.0.1:0"), tlsCert(leaf.key, leaf.cert))
	opts := testProbeOptions(root.cert)
	opts.aiaAddrAllowed = func(net.IP) bool { return true } // the AIA server is on loopback
	fs := Probe(t.Context(), "https://"+leafOnly+"/", opts)
	f := mustFind(t, fs, IDCertIncompleteChain)
	if !strings.Contains(f.Message, "Test Intermediate") || !strings.Contains(f.Fix, "fullchain") {
		t.Errorf("message %q, fix %q", f.Message, f.Fix)
	}
	mustNotFind(t, fs, IDCertUnknownAuthority)

	// The full chain verifies.
	full := serveTLS(t, listen(t, "127.0.0.1:0"), tlsCert(leaf.key, leaf.cert, inter.cert))
	fs = Probe(t.Context(), "https://"+full+"/", testProbeOptions(root.cert))
	mustFind(t, fs, IDCertOK)
}

func TestProbeWeakKey(t *testing.T) {
	root := newRoot(t, "Test Root")
	key, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	leaf := makeCert(t, &x509.Certificate{Subject: pkix.Name{CommonName: "localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageKeyEncipherment}, &root, key)
	addr := serveTLS(t, listen(t, "127.0.0.1:0"), tlsCert(leaf.key, leaf.cert))
	fs := Probe(t.Context(), "https://"+addr+"/", testProbeOptions(root.cert))
	f := mustFind(t, fs, IDCertWeakKey)
	if !strings.Contains(f.Message, "1024 bits") {
		t.Errorf("message %q", f.Message)
	}
}
