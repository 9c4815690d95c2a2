package project

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/rtdev/rtdev/internal/fsutil"
)

// gitignoreLine keeps .rtdev/ (and with it the leaf key) out of git.
const gitignoreLine = "/" + DirName + "/"

// EnsureGitignore adds .rtdev/ to the project's .gitignore, creating the file
// when missing. It reports whether it changed anything; a line that already
// ignores the folder in any usual spelling is left as it is.
func EnsureGitignore(path string) (changed bool, err error) {
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return false, fmt.Errorf("read %s: %w", path, err)
	}
	if ignoresDir(data) {
		return false, nil
	}
	var b bytes.Buffer
	b.Write(data)
	if len(data) > 0 && !bytes.HasSuffix(data, []byte("\n")) {
		b.WriteByte('\n')
	}
	b.WriteString("# rtdev: per-developer certificates and keys, never committed\n")
	b.WriteString(gitignoreLine + "\n")
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := fsutil.WriteFileAtomic(path, b.Bytes(), mode); err != nil {
		return false, fmt.Errorf("update %s: %w", path, err)
	}
	return true, nil
}

func ignoresDir(data []byte) bool {
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		switch strings.TrimSpace(sc.Text()) {
		case DirName, DirName + "/", "/" + DirName, "/" + DirName + "/", DirName + "/*", "/" + DirName + "/*":
			return true
		}
	}
	return false
}
