package project

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/rtdev/rtdev/internal/fsutil"
)

// WriteIfChanged writes data to path atomically unless the file already
// holds exactly that, and reports whether it wrote. It is what keeps a
// second `rtdev init` from touching any file.
func WriteIfChanged(path string, data []byte, perm fs.FileMode) (bool, error) {
	if cur, err := os.ReadFile(path); err == nil && bytes.Equal(cur, data) {
		return false, nil
	}
	if err := fsutil.WriteFileAtomic(path, data, perm); err != nil {
		return false, fmt.Errorf("write %s: %w", path, err)
	}
	return true, nil
}

// P12Password is the saved password of the project's PKCS#12 file, or ""
// when there is none yet.
func P12Password(lay Layout) string {
	data, err := os.ReadFile(lay.P12Pass)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(data))
}
