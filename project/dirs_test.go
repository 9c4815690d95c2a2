package project

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rtdev/rtdev/internal/fsutil"
)

// TestEnsureRefusesSymlinkedRtdev: a committed `.rtdev -> public` must not
// put key.pem in public/.
func TestEnsureRefusesSymlinkedRtdev(t *testing.T) {
	root := t.TempDir()
	public := filepath.Join(root, "public")
	if err := os.Mkdir(public, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("public", filepath.Join(root, DirName)); err != nil {
		t.Fatal(err)
	}
	_, err := Ensure(EnsureOptions{Layout: NewLayout(root), Config: Defaults(), CADir: filepath.Join(t.TempDir(), "ca"), System: fakeSystem{host: "box"}})
	var de *DirError
	if !errors.As(err, &de) || de.Hint() == "" {
		t.Fatalf("Ensure = %v, want a DirError with a hint", err)
	}
	if entries, _ := os.ReadDir(public); len(entries) != 0 {
		t.Fatalf("public/ got %d files through the link", len(entries))
	}
}

// TestEnsureRefusesCARootInProject: RTDEV_CAROOT pointing at the project's
// .rtdev (or below it) is said at once, not after waiting on its own lock.
func TestEnsureRefusesCARootInProject(t *testing.T) {
	root := t.TempDir()
	lay := NewLayout(root)
	for _, caDir := range []string{lay.Dir, filepath.Join(lay.Dir, "ca"), root} {
		start := time.Now()
		_, err := Ensure(EnsureOptions{Layout: lay, Config: Defaults(), CADir: caDir, System: fakeSystem{host: "box"}})
		var de *DirError
		if !errors.As(err, &de) {
			t.Fatalf("CADir %s: Ensure = %v, want a DirError", caDir, err)
		}
		// A failure bound, not a speed figure: the lock wait is 10 s.
		if waited := time.Since(start); waited > 5*time.Second {
			t.Fatalf("CADir %s: refused after %s, want at once (not after the lock timeout)", caDir, waited)
		}
		if _, err := os.Stat(filepath.Join(caDir, "ca-key.pem")); err == nil {
			t.Fatalf("a CA key was written in %s", caDir)
		}
	}
}

// TestEnsureIgnoresBeforeWritingKeys: .gitignore lists .rtdev/ before the
// key exists, so a failed write in between never leaves a key git would add.
func TestEnsureIgnoresBeforeWritingKeys(t *testing.T) {
	root := t.TempDir()
	lay := NewLayout(root)
	if err := os.MkdirAll(lay.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	// key.pem as a folder makes the key write fail.
	if err := os.Mkdir(lay.Key, 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := Ensure(EnsureOptions{Layout: lay, Config: Defaults(), CADir: filepath.Join(t.TempDir(), "ca"), System: fakeSystem{host: "box"}}); err == nil {
		t.Fatal("Ensure succeeded with key.pem a folder")
	}
	data, err := os.ReadFile(lay.GitIgnore)
	if err != nil || !ignores(data, "/"+DirName+"/") {
		t.Fatalf(".gitignore = %q, %v: want .rtdev/ ignored before the key write", data, err)
	}
}

// TestConfigEditsTakeTheProjectLock: an rtdev.toml edit waits while
// another run holds the project lock (as Ensure does).
func TestConfigEditsTakeTheProjectLock(t *testing.T) {
	root := t.TempDir()
	lay := NewLayout(root)
	if err := os.WriteFile(lay.ConfigFile, []byte("hosts = []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	unlock, err := fsutil.Lock(lay.Dir)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- SetHosts(lay.ConfigFile, []string{"a.test"}) }()
	select {
	case err := <-done:
		t.Fatalf("SetHosts finished (%v) while the project lock was held", err)
	case <-time.After(300 * time.Millisecond):
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("SetHosts did not finish after the lock was released")
	}
	if data, _ := os.ReadFile(lay.ConfigFile); string(data) != "hosts = [\"a.test\"]\n" {
		t.Fatalf("rtdev.toml = %q", data)
	}
}
