package project

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/rtdev/rtdev/internal/fsutil"
)

// ignoredEntries are what init keeps out of git: .rtdev/ (the leaf key)
// and rtdev.local.toml (the developer's own settings, which are honoured
// as theirs only while git ignores the file). Each is written with its
// own comment when no line in any usual spelling already covers it.
var ignoredEntries = []IgnoreEntry{
	{"/" + DirName + "/", "# rtdev: per-developer certificates and keys, never committed"},
	{"/" + LocalConfigFileName, "# rtdev: your own settings (rtdev.local.toml), never committed"},
}

// EnsureGitignore adds .rtdev/ and rtdev.local.toml to the project's
// .gitignore, creating the file when missing. It reports whether it changed
// anything; a line that already ignores an entry in any usual spelling is
// left as it is.
func EnsureGitignore(path string) (changed bool, err error) {
	return EnsureIgnored(path, ignoredEntries...)
}

// IgnoreEntry is one line kept in .gitignore ("/name" or "/name/"), with
// the comment written above it.
type IgnoreEntry struct{ line, comment string }

// Ignore is the entry for line, written under comment.
func Ignore(line, comment string) IgnoreEntry { return IgnoreEntry{line, "# rtdev: " + comment} }

// EnsureIgnored adds each entry to the .gitignore at path (creating it)
// unless a line already ignores it, and reports whether it changed it.
func EnsureIgnored(path string, entries ...IgnoreEntry) (changed bool, err error) {
	data, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return false, fmt.Errorf("read %s: %w", path, err)
	}
	var b bytes.Buffer
	b.Write(data)
	for _, e := range entries {
		if ignores(data, e.line) {
			continue
		}
		if b.Len() > 0 && !bytes.HasSuffix(b.Bytes(), []byte("\n")) {
			b.WriteByte('\n')
		}
		b.WriteString(e.comment + "\n" + e.line + "\n")
	}
	if b.Len() == len(data) {
		return false, nil
	}
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := fsutil.WriteFileAtomic(path, b.Bytes(), mode); err != nil {
		return false, fmt.Errorf("update %s: %w", path, err)
	}
	return true, nil
}

// ignores reports whether a line of .gitignore data ignores entry (written
// "/name" or "/name/"), spelled with or without the leading or trailing
// slash, or as "name/*" for a folder.
func ignores(data []byte, entry string) bool {
	name := strings.Trim(entry, "/")
	spellings := []string{name, "/" + name}
	if strings.HasSuffix(entry, "/") {
		spellings = append(spellings, name+"/", "/"+name+"/", name+"/*", "/"+name+"/*")
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if slices.Contains(spellings, strings.TrimSpace(sc.Text())) {
			return true
		}
	}
	return false
}
