package fsutil

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// Hooks for the steps of WriteFileAtomic, so tests can make one fail the way
// a full disk or a crash would. Production code never changes them.
var (
	atomicWrite  = func(f *os.File, data []byte) (int, error) { return f.Write(data) }
	atomicRename = os.Rename
)

// WriteFileAtomic writes data to path so that readers see the old file or
// the new one, never a mix: it writes a temporary file in the same folder
// (rename is atomic only within one file system), fsyncs it, sets perm, and
// renames it over path. On any failure the temporary file is removed and
// the old file is left as it was.
func WriteFileAtomic(path string, data []byte, perm fs.FileMode) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	// CreateTemp makes the file 0600, so key material is never readable by
	// others, even for the moment before the chmod below.
	if _, err = atomicWrite(f, data); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	if err = f.Chmod(perm); err != nil {
		return fmt.Errorf("chmod %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", path, err)
	}
	if err = atomicRename(tmp, path); err != nil {
		return fmt.Errorf("replace %s: %w", path, err)
	}
	syncDir(dir)
	return nil
}

// syncDir makes the rename itself durable (a crash right after a rename can
// otherwise lose it on ext4 and others). Best effort: Windows cannot open a
// directory for syncing, and the data is already safe in either name.
func syncDir(dir string) {
	if runtime.GOOS == "windows" {
		return
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
