package ca

import (
	"errors"
	"strings"
	"testing"
)

func TestParseName(t *testing.T) {
	tests := []struct {
		in       string
		kind     NameKind
		value    string
		errMatch string // substring of the error; "" = must succeed
	}{
		{in: "localhost", kind: KindDNS, value: "localhost"},
		{in: "LocalHost.", kind: KindDNS, value: "localhost"},
		{in: "  app.test ", kind: KindDNS, value: "app.test"},
		{in: "my_service.internal", kind: KindDNS, value: "my_service.internal"},
		{in: "Bücher.test", kind: KindDNS, value: "xn--bcher-kva.test"},
		{in: "xn--bcher-kva.test", kind: KindDNS, value: "xn--bcher-kva.test"},
		{in: "ÉCOLE.localhost", kind: KindDNS, value: "xn--cole-9oa.localhost"},
		{in: "*.app.localhost", kind: KindDNS, value: "*.app.localhost"},
		{in: "*.bücher.test", kind: KindDNS, value: "*.xn--bcher-kva.test"},
		{in: "127.0.0.1", kind: KindIP, value: "127.0.0.1"},
		{in: "::1", kind: KindIP, value: "::1"},
		{in: "[::1]", kind: KindIP, value: "::1"},
		{in: "FE80::1", kind: KindIP, value: "fe80::1"},
		{in: "::ffff:192.168.1.2", kind: KindIP, value: "192.168.1.2"},
		{in: "2001:db8::0:1", kind: KindIP, value: "2001:db8::1"},
		{in: "dev@app.test", kind: KindEmail, value: "dev@app.test"},
		{in: "Dev.Name+tag@Bücher.TEST", kind: KindEmail, value: "Dev.Name+tag@xn--bcher-kva.test"},
		{in: "spiffe://app.test/ns/dev/sa/api", kind: KindURI, value: "spiffe://app.test/ns/dev/sa/api"},
		{in: "HTTPS://App.Localhost:8443/cb", kind: KindURI, value: "https://app.localhost:8443/cb"},

		{in: "", errMatch: "empty name"},
		{in: "   ", errMatch: "empty name"},
		{in: "*.*.x", errMatch: "wildcard must be the whole leftmost label"},
		{in: "*", errMatch: "wildcard must be the whole leftmost label"},
		{in: "f*.test", errMatch: "wildcard must be the whole leftmost label"},
		{in: "a.*.test", errMatch: "wildcard must be the whole leftmost label"},
		{in: "*.localhost", errMatch: "wildcard on a top-level name"},
		{in: "*.test.", errMatch: "wildcard on a top-level name"},
		{in: "256.1.1.1", errMatch: "not a valid IP address"},
		{in: "1.2.3", errMatch: "not a valid IP address"},
		{in: "010.1.1.1", errMatch: "not a valid IP address"},
		{in: "fe80::1%eth0", errMatch: "IPv6 zone (%eth0)"},
		{in: "[fe80::1%25eth0]", errMatch: "IPv6 zone"},
		{in: "localhost:3000", errMatch: `port is not part of a certificate name; use "localhost"`},
		{in: "[::1]:443", errMatch: `use "::1"`},
		{in: "127.0.0.1:80", errMatch: `use "127.0.0.1"`},
		{in: "a:b:c:zz", errMatch: "not a valid IPv6 address"},
		{in: "a..test", errMatch: "empty label"},
		{in: ".test", errMatch: "empty label"},
		{in: "-bad.test", errMatch: "hyphen"},
		{in: "bad-.test", errMatch: "hyphen"},
		{in: "exa mple.test", errMatch: "whitespace"},
		{in: "a!b.test", errMatch: "not allowed"},
		{in: strings.Repeat("a", 64) + ".test", errMatch: "63"},
		{in: "xn--zz.test", errMatch: "internationalised"},
		{in: "@app.test", errMatch: "empty local part"},
		{in: "a b@app.test", errMatch: "whitespace"},
		{in: "dev@256.1.1.1", errMatch: "email domain"},
		{in: "dev@*.app.test", errMatch: "email domain"},
		{in: "a<b@app.test", errMatch: "not allowed in an email"},
		{in: "https://", errMatch: "scheme and a host"},
		{in: "https://user:pw@app.test/", errMatch: "user information"},
		{in: "https://bad_host!.test/", errMatch: "URI host: character"},
		{in: "https://[fe80::1%25eth0]/", errMatch: "IPv6 zone"},
		{in: "ab--cd.test", errMatch: "internationalised"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			n, err := ParseName(tt.in)
			if tt.errMatch != "" {
				if err == nil {
					t.Fatalf("ParseName(%q) = %+v, want error containing %q", tt.in, n, tt.errMatch)
				}
				var ne *NameError
				if !errors.As(err, &ne) || ne.Input != tt.in {
					t.Fatalf("error %v is not a *NameError for %q", err, tt.in)
				}
				if !strings.Contains(err.Error(), tt.errMatch) || !strings.HasPrefix(err.Error(), "invalid name ") {
					t.Fatalf("error %q does not contain %q", err, tt.errMatch)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseName(%q): %v", tt.in, err)
			}
			if n.Kind != tt.kind || n.Value != tt.value {
				t.Fatalf("ParseName(%q) = %s %q, want %s %q", tt.in, n.Kind, n.Value, tt.kind, tt.value)
			}
			if (n.Kind == KindIP) != (n.IP != nil) || (n.Kind == KindURI) != (n.URI != nil) {
				t.Fatalf("ParseName(%q): IP/URI fields do not match kind: %+v", tt.in, n)
			}
		})
	}
}

func TestParseNameIPv4Is4Bytes(t *testing.T) {
	n, err := ParseName("::ffff:10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if len(n.IP) != 4 {
		t.Fatalf("IPv4-mapped address kept %d bytes, want 4 (Go encodes it as an IPv4 SAN)", len(n.IP))
	}
}

func TestParseNamesDedupesKeepsOrder(t *testing.T) {
	got, err := ParseNames([]string{"b.test", "LOCALHOST", "127.0.0.1", "localhost.", "b.test", "[::1]", "::1"})
	if err != nil {
		t.Fatal(err)
	}
	var vals []string
	for _, n := range got {
		vals = append(vals, n.Value)
	}
	if want := "b.test localhost 127.0.0.1 ::1"; strings.Join(vals, " ") != want {
		t.Fatalf("ParseNames = %q, want %q", vals, want)
	}
}

func TestParseNamesReportsEveryBadName(t *testing.T) {
	_, err := ParseNames([]string{"ok.test", "256.1.1.1", "", "*.*.x"})
	if err == nil {
		t.Fatal("ParseNames accepted bad names")
	}
	for _, want := range []string{`"256.1.1.1"`, `""`, `"*.*.x"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %s", err, want)
		}
	}
	var ne *NameError
	if !errors.As(err, &ne) || ne.Input != "256.1.1.1" {
		t.Errorf("errors.As found %+v, want the first bad name", ne)
	}
}
