package project

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rtdev/rtdev/ca"
)

// TestEnsureBorrowed: inside a container the host's set is used as it is;
// nothing is created (no CA folder, no second CA), a missing or expired
// set says to run init on the host, and a leaf due for renewal still
// serves with the reason.
func TestEnsureBorrowed(t *testing.T) {
	host := t.TempDir()
	lay := NewLayout(host)
	now := time.Now()
	_, err := EnsureBorrowed(lay, now)
	var ho *HostOnlyError
	if !errors.As(err, &ho) {
		t.Fatalf("no set: %v, want a HostOnlyError", err)
	}
	if _, err := os.Stat(lay.Dir); !os.IsNotExist(err) {
		t.Errorf("EnsureBorrowed created %s", lay.Dir)
	}

	// The host's rtdev init.
	caDir := filepath.Join(t.TempDir(), "ca")
	if _, err := Ensure(EnsureOptions{Layout: lay, Config: Defaults(), CADir: caDir, System: fakeSystem{host: "box"}, Now: now}); err != nil {
		t.Fatal(err)
	}
	before, err := os.ReadFile(lay.Cert)
	if err != nil {
		t.Fatal(err)
	}
	res, err := EnsureBorrowed(lay, now)
	if err != nil || res.Reason != "" || res.CA.Key != nil {
		t.Fatalf("fresh set: %+v, %v (the CA key must stay on the host)", res, err)
	}
	after, _ := os.ReadFile(lay.Cert)
	if string(before) != string(after) {
		t.Error("EnsureBorrowed rewrote the certificate")
	}

	// Two thirds of its life later it is due, and still serves.
	leaf := res.Leaf.Cert
	due := leaf.NotBefore.Add(leaf.NotAfter.Sub(leaf.NotBefore) * 3 / 4)
	if res, err := EnsureBorrowed(lay, due); err != nil || res.Reason == "" {
		t.Errorf("due leaf: %+v, %v; want it used with a reason", res, err)
	}
	if _, err := EnsureBorrowed(lay, leaf.NotAfter.Add(time.Hour)); !errors.As(err, &ho) {
		t.Errorf("expired leaf: %v, want a HostOnlyError", err)
	}

	// A set signed by another CA than the one beside it.
	other, err := ca.Create(filepath.Join(t.TempDir(), "other"), ca.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(lay.CA, other.CertPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := EnsureBorrowed(lay, now); !errors.As(err, &ho) {
		t.Errorf("leaf from another CA: %v, want a HostOnlyError", err)
	}
}
