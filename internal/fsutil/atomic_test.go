package fsutil

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "key.pem")
	for _, tc := range []struct {
		data string
		perm fs.FileMode
	}{{"first", 0o600}, {"second, longer", 0o644}, {"3", 0o600}} {
		if err := WriteFileAtomic(path, []byte(tc.data), tc.perm); err != nil {
			t.Fatal(err)
		}
		got, _ := os.ReadFile(path)
		fi, _ := os.Stat(path)
		if string(got) != tc.data || fi.Mode().Perm() != tc.perm {
			t.Fatalf("file = %q mode %v, want %q mode %v", got, fi.Mode().Perm(), tc.data, tc.perm)
		}
	}
	assertOnlyFiles(t, dir, "key.pem")
}

// TestWriteFileAtomicFailureKeepsOldFile simulates a crash or a full disk at
// each step: the old content stays and no temporary file is left behind.
func TestWriteFileAtomicFailureKeepsOldFile(t *testing.T) {
	boom := errors.New("simulated failure")
	tests := map[string]func(t *testing.T){
		"write fails": func(t *testing.T) {
			orig := atomicWrite
			t.Cleanup(func() { atomicWrite = orig })
			atomicWrite = func(f *os.File, data []byte) (int, error) {
				n, _ := f.Write(data[:len(data)/2]) // half written, as on ENOSPC
				return n, boom
			}
		},
		"rename fails": func(t *testing.T) {
			orig := atomicRename
			t.Cleanup(func() { atomicRename = orig })
			atomicRename = func(string, string) error { return boom }
		},
	}
	for name, inject := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "ca-key.pem")
			writeFile(t, path, []byte("old key"), 0o600)
			inject(t)
			err := WriteFileAtomic(path, []byte("new key material"), 0o600)
			if !errors.Is(err, boom) {
				t.Fatalf("WriteFileAtomic = %v, want the simulated failure", err)
			}
			if got, _ := os.ReadFile(path); string(got) != "old key" {
				t.Fatalf("file = %q, want the old content", got)
			}
			assertOnlyFiles(t, dir, "ca-key.pem")
		})
	}
}

func TestWriteFileAtomicRealFailures(t *testing.T) {
	dir := t.TempDir()
	// The target is a non-empty directory: the real rename(2) fails.
	target := filepath.Join(dir, "busy")
	if err := os.MkdirAll(filepath.Join(target, "inside"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(target, []byte("x"), 0o644); err == nil {
		t.Fatal("WriteFileAtomic replaced a directory")
	}
	assertOnlyFiles(t, dir, "busy")
	// The folder does not exist: nothing can be created.
	if err := WriteFileAtomic(filepath.Join(dir, "missing", "f"), []byte("x"), 0o644); err == nil {
		t.Fatal("WriteFileAtomic wrote into a missing folder")
	}
}

func assertOnlyFiles(t *testing.T, dir string, want ...string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if len(got) != len(want) {
		t.Fatalf("folder holds %q, want %q (a temporary file left behind?)", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("folder holds %q, want %q", got, want)
		}
	}
}

func writeFile(t *testing.T, path string, data []byte, perm os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, data, perm); err != nil {
		t.Fatal(err)
	}
}
