package project

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"

	"github.com/rtdev/rtdev/internal/fsutil"
)

// Edits to an existing rtdev.toml are made on its text, one top-level line
// at a time, so the comments and layout a team committed survive. A value
// written over several lines is not rewritten: the error says what to add
// by hand.

var (
	// [ \t] rather than \s after the value: \s would match the newline
	// and the edit would join the line with the next one.
	hostsLine   = regexp.MustCompile(`(?m)^hosts[ \t]*=[ \t]*\[(.*)\][ \t]*(#.*)?$`)
	keyTypeLine = regexp.MustCompile(`(?m)^key_type[ \t]*=[ \t]*"[^"]*"[ \t]*(#.*)?$`)
	hostsStart  = regexp.MustCompile(`(?m)^hosts\s*=`)
)

// SetHosts rewrites the top-level hosts list of the rtdev.toml at path.
func SetHosts(path string, hosts []string) error {
	return editTopLevel(path, "hosts", hostsLine, hostsStart, "hosts = ["+quoteList(hosts)+"]")
}

// SetKeyType rewrites key_type in the rtdev.toml at path.
func SetKeyType(path, keyType string) error {
	return editTopLevel(path, "key_type", keyTypeLine, regexp.MustCompile(`(?m)^key_type\s*=`), "key_type = "+strconv.Quote(keyType))
}

// lockConfig takes the project lock (the one Ensure holds) around an edit
// of the rtdev.toml at path, so two rtdev runs cannot interleave their
// read-modify-write of the file.
func lockConfig(path string) (unlock func() error, err error) {
	return fsutil.Lock(filepath.Join(filepath.Dir(path), DirName))
}

func editTopLevel(path, key string, line, start *regexp.Regexp, repl string) error {
	unlock, err := lockConfig(path)
	if err != nil {
		return err
	}
	defer func() { _ = unlock() }()
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	var out []byte
	switch {
	case line.Match(data):
		loc := line.FindIndex(data)
		out = append(append(append([]byte{}, data[:loc[0]]...), repl...), data[loc[1]:]...)
	case start.Match(data):
		return &ConfigError{Path: path, Err: fmt.Errorf("%s spans several lines; set it by hand to: %s", key, repl)}
	default:
		// Top-level keys must come before the first [table].
		out = append([]byte(repl+"\n"), data...)
	}
	if bytes.Equal(out, data) {
		return nil
	}
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	return fsutil.WriteFileAtomic(path, out, mode)
}

// WriteNewConfig writes rtdev.toml for a project that has none. It never
// replaces an existing file.
func WriteNewConfig(path string, c Config) error {
	unlock, err := lockConfig(path)
	if err != nil {
		return err
	}
	defer func() { _ = unlock() }()
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s already exists", path)
	}
	return fsutil.WriteFileAtomic(path, RenderConfig(c), 0o644)
}
