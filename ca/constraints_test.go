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
	{"devbox", true},
	{"devbox.local", true},
	{"api.devbox", true},
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
	{"192.0.2.2", true},
	{"203.0.113.7", true},
	{"dev@app.test", true},
	{"dev@test", true},
	{"spiffe://app.test/ns/dev", true},
	{"https://localhost:8443/callback", true},

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
	want := []string{"localhost", "test", "internal", "local", "home.arpa", "devbox", "corp.example"}
	if strings.Join(k.DNS, ",") != strings.Join(want, ",") {
		t.Errorf("DNS = %q, want %q (devbox.local is covered by local)", k.DNS, want)
	}
	var ips []string
	for _, n := range k.IPRanges {
		ips = append(ips, n.String())
	}
	wantIPs := "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,169.254.0.0/16,fc00::/7,fe80::/10,203.0.113.7/32,192.0.2.0/24"
	if strings.Join(ips, ",") != wantIPs {
		t.Errorf("IPRanges = %s, want %s", strings.Join(ips, ","), wantIPs)
	}
	if len(k.Emails) != 2*len(want) || k.Emails[0] != "localhost" || k.Emails[1] != ".localhost" {
		t.Errorf("Emails = %q, want each DNS name and its dotted form", k.Emails)
	}
}

func TestPermittedNetsAre4ByteForIPv4(t *testing.T) {
	for _, n := range PermittedNets() {
		if n.IP.To4() != nil && (len(n.IP) != net.IPv4len || len(n.Mask) != net.IPv4len) {
			t.Errorf("%s: IP %d bytes, mask %d bytes; want 4 and 4", n, len(n.IP), len(n.Mask))
		}
	}
}

func TestExtraNetsFor(t *testing.T) {
	addr := func(cidr string) *net.IPNet {
		ip, n, err := net.ParseCIDR(cidr)
		if err != nil {
			t.Fatal(err)
		}
		return &net.IPNet{IP: ip, Mask: n.Mask}
	}
	got := ExtraNetsFor([]*net.IPNet{
		addr("192.168.1.20/24"),  // covered by 192.168/16
		addr("192.0.2.2/24"),     // documentation range on a CI runner
		addr("192.0.2.3/24"),     // same subnet again
		addr("2001:db8:1::5/64"), // public IPv6 prefix
		addr("fe80::1/64"),       // covered by fe80::/10
		addr("198.51.100.9/0"),   // absurdly wide: narrowed to the address
	})
	var s []string
	for _, n := range got {
		s = append(s, n.String())
	}
	if want := "192.0.2.0/24,2001:db8:1::/64,198.51.100.9/32"; strings.Join(s, ",") != want {
		t.Fatalf("ExtraNetsFor = %s, want %s", strings.Join(s, ","), want)
	}
}

// TestExtraNetsForUsableForCreate checks that every subnet returned is
// outside the fixed ranges and is accepted by Create (the absurdly wide one
// included), and that the CA then permits each interface address.
func TestExtraNetsForUsableForCreate(t *testing.T) {
	var addrs []*net.IPNet
	for _, cidr := range []string{"192.0.2.2/24", "2001:db8:1::5/64", "198.51.100.9/4", "10.1.2.3/8"} {
		ip, n, err := net.ParseCIDR(cidr)
		if err != nil {
			t.Fatal(err)
		}
		addrs = append(addrs, &net.IPNet{IP: ip, Mask: n.Mask})
	}
	nets := ExtraNetsFor(addrs)
	if len(nets) != 3 {
		t.Fatalf("ExtraNetsFor = %v, want the three uncovered nets", nets)
	}
	for _, n := range nets {
		if netCovered(PermittedNets(), n) {
			t.Errorf("%s is already covered by the fixed ranges", n)
		}
	}
	c := newCA(t, CreateOptions{ExtraNets: nets})
	for _, a := range addrs {
		if err := c.Permits(Name{Kind: KindIP, Value: a.IP.String(), IP: a.IP}); err != nil {
			t.Errorf("CA made with ExtraNetsFor does not permit %s: %v", a.IP, err)
		}
	}
}
