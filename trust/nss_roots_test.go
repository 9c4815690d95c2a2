package trust

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/rtdev/rtdev/internal/run"
	"github.com/rtdev/rtdev/internal/testtool"
)

// selfSignedCA writes a CA certificate named cn to dir and returns it.
func selfSignedCA(t *testing.T, dir, cn string) (*x509.Certificate, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, cn+".pem")
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		t.Fatal(err)
	}
	return c, file
}

// NSSRoots reads a real, throwaway Chromium database with real certutil:
// a CA trusted for TLS servers is listed, one present without that trust
// is not.
func TestNSSRootsReadsTrustedCAs(t *testing.T) {
	certutil := testtool.Need(t, "certutil")
	home := t.TempDir()
	db := filepath.Join(home, ".pki", "nssdb")
	if err := os.MkdirAll(db, 0o700); err != nil {
		t.Fatal(err)
	}
	r := run.ExecRunner()
	must := func(args ...string) {
		t.Helper()
		if out, err := r.Run(t.Context(), certutil, args, nil); err != nil {
			t.Fatalf("certutil %v: %v\n%s", args, err, out)
		}
	}
	must("-N", "-d", "sql:"+db, "--empty-password")
	team, teamFile := selfSignedCA(t, t.TempDir(), "Team root")
	other, otherFile := selfSignedCA(t, t.TempDir(), "Present not trusted")
	must("-A", "-d", "sql:"+db, "-t", "C,,", "-n", "Team root (ops)", "-i", teamFile)
	must("-A", "-d", "sql:"+db, "-t", ",,", "-n", "Present not trusted", "-i", otherFile)

	env := Env{GOOS: "linux", Getenv: func(k string) string { return map[string]string{"HOME": home}[k] }, Runner: r, Root: t.TempDir()}
	roots, err := NSSRoots(t.Context(), env)
	if err != nil {
		t.Fatal(err)
	}
	if len(roots) != 1 || !roots[0].Cert.Equal(team) || roots[0].Store != StoreNSS || roots[0].Location != db || roots[0].Browser != "Chromium" {
		t.Fatalf("roots %+v, want Team root alone from %s", roots, db)
	}
	if slices.ContainsFunc(roots, func(r Root) bool { return r.Cert.Equal(other) }) {
		t.Error("an untrusted entry is listed")
	}
}

func TestSSLCANicknames(t *testing.T) {
	list := "\nCertificate Nickname                                         Trust Attributes\n" +
		"                                                             SSL,S/MIME,JAR/XPI\n\n" +
		"Team root (ops)                                              C,,  \n" +
		"client only                                                  ,C,  \n" +
		"server leaf                                                  P,,  \n" +
		"both                                                         CT,C,C\n"
	if got := sslCANicknames(list); !slices.Equal(got, []string{"Team root (ops)", "both"}) {
		t.Errorf("sslCANicknames = %q", got)
	}
}
