package ca

import (
	"crypto"
	"strings"
	"testing"

	"software.sslmate.com/src/go-pkcs12"
)

func TestPKCS12RoundTrip(t *testing.T) {
	c := newCA(t, CreateOptions{})
	l, pw, data := issueP12(t, c, RSA)
	key, cert, cas, err := pkcs12.DecodeChain(data, pw)
	if err != nil {
		t.Fatal(err)
	}
	if !cert.Equal(l.Cert) || len(cas) != 1 || !cas[0].Equal(c.Cert) {
		t.Fatal("PKCS#12 holds other certificates")
	}
	if s, ok := key.(crypto.Signer); !ok || !keyMatches(l.Key, s.Public()) {
		t.Fatal("PKCS#12 holds another key")
	}
	if _, _, _, err := pkcs12.DecodeChain(data, pw+"x"); err == nil {
		t.Fatal("PKCS#12 opened with a wrong password")
	}
	if _, err := l.PKCS12(c.Cert, ""); err == nil || !strings.Contains(err.Error(), "empty password") {
		t.Fatalf("PKCS#12 with an empty password = %v, want a refusal", err)
	}
	noCA, err := l.PKCS12(nil, pw)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, cas, err := pkcs12.DecodeChain(noCA, pw); err != nil || len(cas) != 0 {
		t.Fatalf("PKCS#12 without CA: %d CA certs, %v", len(cas), err)
	}
}

func TestNewPassword(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		p := NewPassword()
		if len(p) != 22 || strings.Trim(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != "" || p[0] == '-' {
			t.Fatalf("password %q is not 22 URL-safe characters (128 bits) without a leading -", p)
		}
		if seen[p] {
			t.Fatalf("password %q repeated", p)
		}
		seen[p] = true
	}
}
