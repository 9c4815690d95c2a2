package project

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/rtdev/rtdev/ca"
)

func TestWriteBundle(t *testing.T) {
	dir := t.TempDir()
	lay := NewLayout(dir)
	if err := os.MkdirAll(lay.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	root, err := ca.Create(filepath.Join(dir, "ca"), ca.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	other, err := ca.Create(filepath.Join(dir, "other"), ca.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	system := filepath.Join(dir, "system.pem")
	if err := os.WriteFile(system, other.CertPEM, 0o644); err != nil {
		t.Fatal(err)
	}

	if _, _, err := WriteBundle(lay, root.CertPEM, []string{filepath.Join(dir, "none.pem")}); !errors.Is(err, ErrNoSystemBundle) {
		t.Fatalf("no system bundle: err = %v", err)
	}
	changed, source, err := WriteBundle(lay, root.CertPEM, []string{filepath.Join(dir, "none.pem"), system})
	if err != nil || !changed || source != system {
		t.Fatalf("first write: %v %q %v", changed, source, err)
	}
	bundle, _ := os.ReadFile(lay.Bundle)
	if !bytes.Contains(bundle, other.CertPEM) || !bytes.Contains(bundle, root.CertPEM) {
		t.Fatal("the bundle must hold the system roots and the rtdev CA")
	}
	certs, err := pkcs12.DecodeTrustStore(must(os.ReadFile(lay.TrustStore)), TrustStorePassword)
	if err != nil || len(certs) != 2 {
		t.Fatalf("truststore: %d certs, %v", len(certs), err)
	}

	if changed, _, err := WriteBundle(lay, root.CertPEM, []string{system}); err != nil || changed {
		t.Fatalf("second write changed=%v err=%v", changed, err)
	}
	if err := os.Remove(lay.TrustStore); err != nil {
		t.Fatal(err)
	}
	if changed, _, err := WriteBundle(lay, root.CertPEM, []string{system}); err != nil || !changed {
		t.Fatalf("missing truststore not rebuilt: changed=%v err=%v", changed, err)
	}

	// A system bundle that already holds the CA (trust installed) does not
	// get it twice.
	if err := os.WriteFile(system, append(append([]byte{}, other.CertPEM...), root.CertPEM...), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := WriteBundle(lay, root.CertPEM, []string{system}); err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(must(os.ReadFile(lay.Bundle)), root.CertPEM); n != 1 {
		t.Fatalf("the CA is in the bundle %d times", n)
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
