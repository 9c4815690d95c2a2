package project

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"
)

// TestGroupKeyFollowsRenewal: the group-readable copy exists only once asked
// for, is 0640 while key.pem stays 0600, and a renewal rewrites it with the
// new key.
func TestGroupKeyFollowsRenewal(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("file modes and groups are Unix's")
	}
	dir := t.TempDir()
	opts := EnsureOptions{Layout: NewLayout(dir), Config: Defaults(), CADir: filepath.Join(dir, "ca"), System: fakeSystem{host: "box"}}
	lay := opts.Layout
	if _, err := Ensure(opts); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(lay.GroupKey); !os.IsNotExist(err) {
		t.Fatalf("Ensure made %s unasked: %v", lay.GroupKey, err)
	}
	if changed, err := WriteGroupKey(lay, os.Getgid()); err != nil || !changed {
		t.Fatalf("WriteGroupKey = %v, %v", changed, err)
	}
	if changed, err := WriteGroupKey(lay, os.Getgid()); err != nil || changed {
		t.Fatalf("second WriteGroupKey = %v, %v; want no change", changed, err)
	}
	checkMode(t, lay.Key, 0o600)
	checkMode(t, lay.GroupKey, GroupKeyMode)

	opts.Now = time.Now().Add(80 * 24 * time.Hour) // under a third of 90 days left
	res, err := Ensure(opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.LeafAction != LeafRenewed {
		t.Fatalf("leaf %s, want renewed", res.LeafAction)
	}
	key, _ := os.ReadFile(lay.Key)
	cp, _ := os.ReadFile(lay.GroupKey)
	if !bytes.Equal(key, cp) {
		t.Fatal("the group copy still holds the old key after a renewal")
	}
	checkMode(t, lay.GroupKey, GroupKeyMode)
}

func checkMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != want {
		t.Errorf("%s is %v, want %v", filepath.Base(path), fi.Mode().Perm(), want)
	}
}
