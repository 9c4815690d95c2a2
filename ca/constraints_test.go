package ca

import (
	"crypto/x509"
	"errors"
	"net"
	"strings"
	"testing"
)

// constraintCases are names with whether the constrainedOpts CA permits
// them. Each row is also checked against Go's verifier (here) and OpenSSL
// (realtools_test.go), so Permits cannot drift from what clients enforce.
var constraintCases = []struct {
	name    string
	permits bool
}{
	{"localhost", true},
	{"app.localhost", true},
	{"*.app.localhost", true},
	{"app.test", true},
	{"db.internal", true},
	{"printer.local", true},
	{"nas.home.arpa", true},
	{"devbox.local", true},
	{"corp.example", true},
	{"build.corp.example", true},
	{"*.corp.example", true},
	{"127.0.0.1", true},
	{"127.9.9.9", true},
	{"::1", true},
	{"10.1.2.3", true},
	{"172.31.255.255", true},
	{"192.168.1.20", true},
	{"100.64.0.1", true},
	{"169.254.10.1", true},
	{"fd12:3456::1", true},
	{"fe80::1", true},
	{"203.0.113.7", true},
	{"dev@app.test", true},
	{"dev@test", true},
	{"spiffe://app.home.arpa/ns/dev", true},
	{"spiffe://build.corp.example/ns/dev", true},
	{"https://nas.home.arpa:8443/callback", true},

	{"devbox", false}, // a single-label hostname never becomes a constraint
	{"api.devbox", false},
	{"192.0.2.2", false},                // a public interface address is not added without --host
	{"spiffe://app.test/ns/dev", false}, // URI constraints must be multi-label (zlint)
	{"example.com", false},
	{"localhost.example.com", false},
	{"notlocalhost", false},
	{"evilhome.arpa", false},
	{"*.example.com", false},
	{"example", false},
	{"172.32.0.1", false},
	{"203.0.113.8", false},
	{"8.8.8.8", false},
	{"2001:db8::1", false},
	{"::2", false},
	{"dev@example.com", false},
	{"spiffe://example.com/x", false},
	{"https://127.0.0.1/", false},
}

func TestPermitsAgreesWithGoVerifier(t *testing.T) {
	c := newCA(t, constrainedOpts())
	for _, tt := range constraintCases {
		t.Run(tt.name, func(t *testing.T) {
			n := mustNames(t, tt.name)[0]
			err := c.Permits(n)
			if (err == nil) != tt.permits {
				t.Fatalf("Permits(%s) = %v, want permitted=%v", tt.name, err, tt.permits)
			}
			verr := goVerify(c, signBypass(t, c, []Name{n}).Cert)
			if (verr == nil) != tt.permits {
				t.Fatalf("Go verifier on a leaf for %s: %v, want permitted=%v", tt.name, verr, tt.permits)
			}
			if !tt.permits {
				var ce *ConstraintError
				if !errors.As(err, &ce) || ce.Name.Value != n.Value {
					t.Fatalf("error %v is not a ConstraintError for %s", err, n.Value)
				}
				if !strings.Contains(err.Error(), n.Value) {
					t.Fatalf("error %q does not name %s", err, n.Value)
				}
			}
		})
	}
}

// TestBypassLeafRejectedByGo proves the constraints live in the CA
// certificate: a leaf signed outside Issue for a public name fails Go's
// verification with CANotAuthorizedForThisName.
func TestBypassLeafRejectedByGo(t *testing.T) {
	c := newCA(t, constrainedOpts())
	for _, name := range []string{"example.com", "8.8.8.8"} {
		err := goVerify(c, signBypass(t, c, mustNames(t, "localhost", name)).Cert)
		var cie x509.CertificateInvalidError
		if !errors.As(err, &cie) || cie.Reason != x509.CANotAuthorizedForThisName {
			t.Fatalf("%s: Verify = %v, want CertificateInvalidError CANotAuthorizedForThisName", name, err)
		}
	}
}

func TestUnconstrainedPermitsAnything(t *testing.T) {
	c := newCA(t, CreateOptions{Unconstrained: true})
	if !c.Constraints().Unconstrained {
		t.Fatal("Constraints().Unconstrained = false")
	}
	for _, name := range []string{"example.com", "8.8.8.8", "2001:db8::1", "dev@example.com", "https://1.2.3.4/"} {
		n := mustNames(t, name)[0]
		if err := c.Permits(n); err != nil {
			t.Errorf("Permits(%s): %v", name, err)
		}
		if err := goVerify(c, signBypass(t, c, []Name{n}).Cert); err != nil {
			t.Errorf("Go verifier on %s: %v", name, err)
		}
	}
}

func TestConstraintErrorHintAndCheck(t *testing.T) {
	c := newCA(t, CreateOptions{})
	err := c.Check(mustNames(t, "localhost", "*.api.example.com", "8.8.8.8"))
	var ce *ConstraintError
	if !errors.As(err, &ce) || ce.Name.Value != "*.api.example.com" {
		t.Fatalf("Check = %v, want the first offending name", err)
	}
	for _, want := range []string{"*.api.example.com", "--unconstrained", "localhost", "127.0.0.0/8"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	var h interface{ Hint() string }
	if !errors.As(err, &h) {
		t.Fatal("ConstraintError has no Hint")
	}
	if want := "RTDEV_CAROOT=" + c.Dir + "-2 rtdev init --host api.example.com"; h.Hint() != want {
		t.Errorf("Hint = %q, want %q", h.Hint(), want)
	}
	if err := c.Check(mustNames(t, "localhost", "::1")); err != nil {
		t.Errorf("Check of permitted names: %v", err)
	}
}

func TestConstraintsReportsCA(t *testing.T) {
	c := newCA(t, constrainedOpts())
	k := c.Constraints()
	if !k.Critical || k.Unconstrained {
		t.Fatalf("Constraints = %+v, want critical and constrained", k)
	}
	want := []string{"localhost", "test", "internal", "local", "home.arpa", "corp.example"}
	if strings.Join(k.DNS, ",") != strings.Join(want, ",") {
		t.Errorf("DNS = %q, want %q (the single-label hostname is refused)", k.DNS, want)
	}
	var ips []string
	for _, n := range k.IPRanges {
		ips = append(ips, n.String())
	}
	wantIPs := "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,169.254.0.0/16,fc00::/7,fe80::/10,203.0.113.7/32"
	if strings.Join(ips, ",") != wantIPs {
		t.Errorf("IPRanges = %s, want %s", strings.Join(ips, ","), wantIPs)
	}
	if len(k.Emails) != 2*len(want) || k.Emails[0] != "localhost" || k.Emails[1] != ".localhost" {
		t.Errorf("Emails = %q, want each DNS name and its dotted form", k.Emails)
	}
	if want := "home.arpa,.home.arpa,corp.example,.corp.example"; strings.Join(k.URIDomains, ",") != want {
		t.Errorf("URIDomains = %q, want %s (multi-label only)", k.URIDomains, want)
	}
	dns, nets := k.Widenings()
	if strings.Join(dns, ",") != "corp.example" || len(nets) != 1 || nets[0].String() != "203.0.113.7/32" {
		t.Errorf("Widenings = %q %v, want corp.example and 203.0.113.7/32", dns, nets)
	}
}

func TestPermittedNetsAre4ByteForIPv4(t *testing.T) {
	for _, n := range PermittedNets() {
		if n.IP.To4() != nil && (len(n.IP) != net.IPv4len || len(n.Mask) != net.IPv4len) {
			t.Errorf("%s: IP %d bytes, mask %d bytes; want 4 and 4", n, len(n.IP), len(n.Mask))
		}
	}
}
