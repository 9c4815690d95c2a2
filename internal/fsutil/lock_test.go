package fsutil

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLockExcludesAndTimesOut(t *testing.T) {
	orig := lockTimeout
	t.Cleanup(func() { lockTimeout = orig })
	lockTimeout = 300 * time.Millisecond

	dir := filepath.Join(t.TempDir(), "project", ".rtdev")
	unlock, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode() != fs.ModeDir|0o700 {
		t.Fatalf("Lock made the folder with %v, %v; want 0700", fi.Mode(), err)
	}
	_, err = Lock(dir)
	var lte *LockTimeoutError
	if !errors.As(err, &lte) {
		t.Fatalf("second Lock = %v, want LockTimeoutError", err)
	}
	lockPath := filepath.Join(dir, LockFileName)
	if lte.Path != lockPath || !strings.Contains(err.Error(), lockPath) {
		t.Fatalf("error %q does not name %s", err, lockPath)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	unlock2, err := Lock(dir)
	if err != nil {
		t.Fatalf("Lock after unlock: %v", err)
	}
	unlock2()
}

// TestLockWaits checks that a waiting Lock gets the lock once it is free,
// and not before.
func TestLockWaits(t *testing.T) {
	dir := t.TempDir()
	unlock, err := Lock(dir)
	if err != nil {
		t.Fatal(err)
	}
	released := make(chan struct{})
	got := make(chan error, 1)
	go func() {
		u, err := Lock(dir)
		select {
		case <-released:
		default:
			err = errors.New("got the lock while another holder had it")
		}
		if u != nil {
			u()
		}
		got <- err
	}()
	time.Sleep(50 * time.Millisecond) // let the goroutine start waiting
	close(released)
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(lockTimeout):
		t.Fatal("waiting Lock never got the lock")
	}
}
