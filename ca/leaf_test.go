package ca

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestIssueProfile(t *testing.T) {
	c := newCA(t, constrainedOpts())
	tests := []struct {
		name    string
		o       LeafOptions
		cn      string
		rsa     bool
		eku     []x509.ExtKeyUsage
		life    time.Duration
		nameStr string
	}{
		{
			name: "ecdsa server", o: LeafOptions{Names: mustNames(t, "localhost", "*.app.localhost", "127.0.0.1", "::1", "192.168.1.20")},
			cn: "localhost", eku: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, life: DefaultValidity,
			nameStr: "localhost *.app.localhost 127.0.0.1 ::1 192.168.1.20",
		},
		{
			name: "rsa", o: LeafOptions{Names: mustNames(t, "app.test"), KeyType: RSA, Validity: 14 * day},
			cn: "app.test", rsa: true, eku: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, life: 14 * day, nameStr: "app.test",
		},
		{
			name: "ip only has no CN", o: LeafOptions{Names: mustNames(t, "10.0.2.2", "fe80::1")},
			cn: "", eku: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, life: DefaultValidity, nameStr: "10.0.2.2 fe80::1",
		},
		{
			name: "client with email and uri", o: LeafOptions{Names: mustNames(t, "dev@app.test", "spiffe://app.home.arpa/dev", "localhost"), Client: true, Validity: MaxValidity},
			cn:  "localhost",
			eku: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}, life: MaxValidity,
			nameStr: "localhost dev@app.test spiffe://app.home.arpa/dev",
		},
		{
			name: "short validity", o: LeafOptions{Names: mustNames(t, "localhost"), Validity: time.Hour},
			cn: "localhost", eku: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, life: time.Hour, nameStr: "localhost",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.o.Now = time.Now()
			l, err := c.Issue(tt.o)
			if err != nil {
				t.Fatal(err)
			}
			cert := l.Cert
			if cert.Subject.CommonName != tt.cn || strings.Join(cert.Subject.Organization, "") != "rtdev development certificate" {
				t.Errorf("Subject = %v, want CN %q", cert.Subject, tt.cn)
			}
			var got []string
			for _, n := range l.Names() {
				got = append(got, n.Value)
			}
			if strings.Join(got, " ") != tt.nameStr {
				t.Errorf("Names = %q, want %q", got, tt.nameStr)
			}
			if !slices.Equal(cert.ExtKeyUsage, tt.eku) {
				t.Errorf("EKU = %v, want %v", cert.ExtKeyUsage, tt.eku)
			}
			if life := cert.NotAfter.Sub(cert.NotBefore); life != tt.life {
				t.Errorf("lifetime %s, want %s", life, tt.life)
			}
			if cert.NotBefore.After(tt.o.Now) || !cert.NotAfter.After(tt.o.Now) {
				t.Errorf("validity %s..%s does not cover now", cert.NotBefore, cert.NotAfter)
			}
			wantKU := x509.KeyUsageDigitalSignature
			if tt.rsa {
				wantKU |= x509.KeyUsageKeyEncipherment
				if k, ok := l.Key.(*rsa.PrivateKey); !ok || k.N.BitLen() != 2048 {
					t.Errorf("key %T, want RSA-2048", l.Key)
				}
			} else if k, ok := l.Key.(*ecdsa.PrivateKey); !ok || k.Curve != elliptic.P256() {
				t.Errorf("key %T, want ECDSA P-256", l.Key)
			}
			if cert.KeyUsage != wantKU {
				t.Errorf("KeyUsage = %v, want %v", cert.KeyUsage, wantKU)
			}
			if !bytes.Equal(cert.AuthorityKeyId, c.Cert.SubjectKeyId) || len(cert.SubjectKeyId) != 20 {
				t.Errorf("AKI %x (CA SKI %x), SKI %x", cert.AuthorityKeyId, c.Cert.SubjectKeyId, cert.SubjectKeyId)
			}
			if cert.IsCA || !cert.BasicConstraintsValid {
				t.Error("leaf is not marked CA:FALSE")
			}
			if !isPKCS8PEM(l.KeyPEM) {
				t.Errorf("key PEM is not PKCS#8: %.30q", l.KeyPEM)
			}
			if k, err := parseKeyPEM(l.KeyPEM); err != nil || !keyMatches(k, cert.PublicKey) {
				t.Errorf("key PEM does not hold the leaf key: %v", err)
			}
			if err := goVerify(c, cert); err != nil {
				t.Errorf("leaf does not verify: %v", err)
			}
		})
	}
}

func TestIssueRefusals(t *testing.T) {
	c := newCA(t, CreateOptions{Now: testNow})
	tests := map[string]struct {
		o    LeafOptions
		want string
	}{
		"no names":     {LeafOptions{}, "no names"},
		"too long":     {LeafOptions{Names: mustNames(t, "localhost"), Validity: MaxValidity + time.Hour}, "825 days"},
		"negative":     {LeafOptions{Names: mustNames(t, "localhost"), Validity: -time.Hour}, "positive"},
		"outside":      {LeafOptions{Names: mustNames(t, "localhost", "example.com")}, `"example.com" is outside`},
		"bad key type": {LeafOptions{Names: mustNames(t, "localhost"), KeyType: "dsa"}, "unknown key type"},
		"CA expired":   {LeafOptions{Names: mustNames(t, "localhost"), Now: testNow.AddDate(11, 0, 0)}, "CA expired"},
		"unknown kind": {LeafOptions{Names: []Name{{Kind: "bogus", Value: "x"}}}, "unknown name kind"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			if tt.o.Now.IsZero() {
				tt.o.Now = testNow
			}
			l, err := c.Issue(tt.o)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Issue = %v, %v; want an error containing %q", l, err, tt.want)
			}
		})
	}
	var ce *ConstraintError
	if _, err := c.Issue(LeafOptions{Names: mustNames(t, "8.8.8.8")}); !errors.As(err, &ce) {
		t.Fatalf("Issue outside constraints = %v, want a ConstraintError", err)
	}
}

func TestIssueCappedAtCAExpiry(t *testing.T) {
	c := newCA(t, CreateOptions{Now: testNow})
	l, err := c.Issue(LeafOptions{Names: mustNames(t, "localhost"), Now: c.Cert.NotAfter.Add(-30 * day)})
	if err != nil {
		t.Fatal(err)
	}
	if !l.Cert.NotAfter.Equal(c.Cert.NotAfter) {
		t.Fatalf("leaf NotAfter %s, want the CA's %s", l.Cert.NotAfter, c.Cert.NotAfter)
	}
}

func TestLoadLeaf(t *testing.T) {
	c := newCA(t, CreateOptions{})
	l, err := c.Issue(LeafOptions{Names: mustNames(t, "localhost", "::1")})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certPath, keyPath := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	writeFile(t, certPath, l.CertPEM, 0o644)
	writeFile(t, keyPath, l.KeyPEM, 0o600)
	got, err := LoadLeaf(certPath, keyPath)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Cert.Equal(l.Cert) || !keyMatches(got.Key, l.Cert.PublicKey) || !bytes.Equal(got.KeyPEM, l.KeyPEM) {
		t.Fatal("LoadLeaf returned something else")
	}
	if certOnly, err := LoadLeaf(certPath, ""); err != nil || certOnly.Key != nil || !certOnly.Cert.Equal(l.Cert) {
		t.Fatalf("LoadLeaf cert only = %+v, %v", certOnly, err)
	}
	other, _ := c.Issue(LeafOptions{Names: mustNames(t, "localhost")})
	writeFile(t, keyPath, other.KeyPEM, 0o600)
	if _, err := LoadLeaf(certPath, keyPath); err == nil || !strings.Contains(err.Error(), "does not belong") {
		t.Fatalf("LoadLeaf with a foreign key = %v", err)
	}
	if _, err := LoadLeaf(filepath.Join(dir, "nope.pem"), ""); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("LoadLeaf of a missing file = %v", err)
	}
}
