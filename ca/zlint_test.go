package ca

import (
	"slices"
	"testing"
	"time"

	zx509 "github.com/zmap/zcrypto/x509"
	"github.com/zmap/zlint/v3"
	"github.com/zmap/zlint/v3/lint"
)

// rfcLints are zlint's RFC 5280 (profile), 5480 (ECC keys) and 5891 (IDN)
// lints: the standards every rtdev certificate is held to. The CA/Browser
// Forum lints are for publicly trusted CAs and do not apply to a local root.
func rfcLints(t *testing.T) lint.Registry {
	t.Helper()
	r, err := lint.GlobalRegistry().Filter(lint.FilterOptions{IncludeSources: lint.SourceList{lint.RFC5280, lint.RFC5480, lint.RFC5891}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestProfilesPassZlint lints every profile rtdev issues, and fails on any
// error or warning, naming the lint and its details.
func TestProfilesPassZlint(t *testing.T) {
	reg := rfcLints(t)
	if len(reg.Names()) < 50 {
		t.Fatalf("only %d RFC lints registered: the filter is wrong", len(reg.Names()))
	}
	c := newCA(t, CreateOptions{Hostname: "devbox.corp.example", Hosts: []HostRequest{{"*.app.example.test", OriginConfig}, {"203.0.113.7", OriginFlag}}, Owner: "dev@devbox"})
	issue := func(o LeafOptions) []byte {
		l, err := c.Issue(o)
		if err != nil {
			t.Fatal(err)
		}
		return l.Cert.Raw
	}
	profiles := map[string][]byte{
		"CA":           c.Cert.Raw,
		"ECDSA leaf":   issue(LeafOptions{Names: mustNames(t, "localhost", "127.0.0.1", "::1", "devbox.corp.example", "devbox.local")}),
		"RSA leaf":     issue(LeafOptions{Names: mustNames(t, "localhost", "127.0.0.1"), KeyType: RSA}),
		"client leaf":  issue(LeafOptions{Names: mustNames(t, "localhost", "dev@app.test", "spiffe://app.home.arpa/ns/dev"), Client: true}),
		"--lan leaf":   issue(LeafOptions{Names: mustNames(t, "localhost", "127.0.0.1", "192.168.1.20", "fd00::2", "10.0.2.2", "203.0.113.7")}),
		"rtdev cert":   issue(LeafOptions{Names: mustNames(t, "*.app.example.test", "app.example.test", "bücher.test"), Validity: 14 * 24 * time.Hour}),
		"IP-only leaf": issue(LeafOptions{Names: mustNames(t, "10.0.2.2", "fe80::1")}),
	}
	unconstrained := newCA(t, CreateOptions{Unconstrained: true})
	profiles["unconstrained CA"] = unconstrained.Cert.Raw
	for name, der := range profiles {
		t.Run(name, func(t *testing.T) {
			zc, err := zx509.ParseCertificate(der)
			if err != nil {
				t.Fatalf("zcrypto cannot parse the certificate: %v", err)
			}
			rs := zlint.LintCertificateEx(zc, reg)
			names := make([]string, 0, len(rs.Results))
			for n := range rs.Results {
				names = append(names, n)
			}
			slices.Sort(names)
			for _, n := range names {
				if r := rs.Results[n]; r.Status == lint.Error || r.Status == lint.Warn || r.Status == lint.Fatal {
					t.Errorf("%s: %s %s", n, r.Status, r.Details)
				}
			}
		})
	}
}
