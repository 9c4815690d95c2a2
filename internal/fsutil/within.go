package fsutil

import (
	"path/filepath"
	"strings"
)

// Resolve is path made absolute with its symbolic links resolved as far as
// the path exists, so two spellings of one folder compare equal.
func Resolve(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		return filepath.Clean(path)
	}
	// Resolve the longest part that exists; what is not there yet (a
	// folder about to be made) cannot be a link.
	rest := ""
	for dir := abs; ; dir = filepath.Dir(dir) {
		if real, err := filepath.EvalSymlinks(dir); err == nil {
			return filepath.Join(real, rest)
		}
		if dir == filepath.Dir(dir) {
			return abs
		}
		rest = filepath.Join(filepath.Base(dir), rest)
	}
}

// Within reports whether path is root or below it. Both should be
// resolved (Resolve) when either may contain a symbolic link.
func Within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
