package ca

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"net"
	"strings"
	"testing"
)

func makeCSR(t *testing.T, tmpl *x509.CertificateRequest, pemType string) ([]byte, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, tmpl, key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: pemType, Bytes: der}), key
}

func TestSignCSR(t *testing.T) {
	c := newCA(t, CreateOptions{})
	tests := []struct {
		name    string
		tmpl    *x509.CertificateRequest
		pemType string
		o       LeafOptions
		want    string
	}{
		{"SANs", &x509.CertificateRequest{DNSNames: []string{"App.Localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}}, "CERTIFICATE REQUEST", LeafOptions{}, "app.localhost 127.0.0.1"},
		{"CN only", &x509.CertificateRequest{Subject: pkix.Name{CommonName: "api.test"}}, "NEW CERTIFICATE REQUEST", LeafOptions{}, "api.test"},
		{"names override", &x509.CertificateRequest{DNSNames: []string{"ignored.test"}}, "CERTIFICATE REQUEST", LeafOptions{Names: mustNames(t, "localhost")}, "localhost"},
		{"client", &x509.CertificateRequest{EmailAddresses: []string{"dev@app.test"}}, "CERTIFICATE REQUEST", LeafOptions{Client: true}, "dev@app.test"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			csrPEM, key := makeCSR(t, tt.tmpl, tt.pemType)
			l, err := c.SignCSR(csrPEM, tt.o)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, n := range l.Names() {
				got = append(got, n.Value)
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("names %q, want %q", got, tt.want)
			}
			if l.Key != nil || l.KeyPEM != nil {
				t.Error("a CSR leaf carries a private key")
			}
			if !keyMatches(key, l.Cert.PublicKey) {
				t.Error("certificate is not for the CSR's key")
			}
			if err := goVerify(c, l.Cert); err != nil {
				t.Error(err)
			}
			if _, err := l.PKCS12(c.Cert, "pw"); err == nil {
				t.Error("PKCS12 of a leaf without a key succeeded")
			}
		})
	}
}

func TestSignCSRRefusals(t *testing.T) {
	c := newCA(t, CreateOptions{})
	outside, _ := makeCSR(t, &x509.CertificateRequest{DNSNames: []string{"localhost", "bank.example"}}, "CERTIFICATE REQUEST")
	var ce *ConstraintError
	if _, err := c.SignCSR(outside, LeafOptions{}); !errors.As(err, &ce) || ce.Name.Value != "bank.example" {
		t.Fatalf("SignCSR outside the constraints = %v", err)
	}

	good, _ := makeCSR(t, &x509.CertificateRequest{DNSNames: []string{"localhost"}}, "CERTIFICATE REQUEST")
	block, _ := pem.Decode(good)
	block.Bytes[len(block.Bytes)-5] ^= 0xff // break the signature
	if _, err := c.SignCSR(pem.EncodeToMemory(block), LeafOptions{}); err == nil || !strings.Contains(err.Error(), "bad signature") {
		t.Fatalf("SignCSR of a CSR with a broken signature = %v, want a bad signature error", err)
	}

	empty, _ := makeCSR(t, &x509.CertificateRequest{}, "CERTIFICATE REQUEST")
	if _, err := c.SignCSR(empty, LeafOptions{}); err == nil || !strings.Contains(err.Error(), "names no host") {
		t.Fatalf("SignCSR of a nameless CSR = %v", err)
	}
	if _, err := c.SignCSR([]byte("not pem"), LeafOptions{}); err == nil || !strings.Contains(err.Error(), "no CERTIFICATE REQUEST PEM block") {
		t.Fatalf("SignCSR of garbage = %v, want a missing PEM block error", err)
	}

	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, &x509.CertificateRequest{DNSNames: []string{"localhost"}}, small)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.SignCSR(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der}), LeafOptions{}); err == nil || !strings.Contains(err.Error(), "too small") {
		t.Fatalf("SignCSR with RSA-1024 = %v", err)
	}
}
