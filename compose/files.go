package compose

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
)

// OverrideFile is the override rtdev writes at the project root. Compose
// reads only the files it is told about, so it cannot live in .rtdev/
// like the other snippets; it holds no per-developer content and is meant
// to be committed.
const OverrideFile = "compose.rtdev.yaml"

// PathSeparator separates the files of COMPOSE_FILE in what rtdev writes,
// set explicitly with COMPOSE_PATH_SEPARATOR: Compose splits on ";" on
// Windows and ":" elsewhere by default, and one .env must serve both. The
// names are relative, so no drive letter can contain it.
const PathSeparator = ":"

// MaxFileBytes bounds each compose file read: a committed file is someone
// else's input, and no real compose file comes near it.
const MaxFileBytes = 1 << 20

// Files are a project's compose files, relative to its root, in the order
// Compose merges them.
type Files struct {
	// Main is the first of compose.yaml, compose.yml, docker-compose.yml
	// and docker-compose.yaml that exists.
	Main string
	// Override is compose.override.yml/.yaml (or the docker-compose.
	// spelling) when present: Compose loads it with Main by itself, but
	// not once files are listed explicitly, so COMPOSE_FILE must name it.
	Override string
}

// ErrNoComposeFile means the project root holds no compose file.
var ErrNoComposeFile = errors.New("no compose file")

// Find looks for the compose files in root itself, with the names and the
// preference order of compose-go's discovery (which `docker compose` uses).
// Unlike Compose it does not climb to parent folders: the override's
// relative paths are relative to the project root.
func Find(root string) (Files, error) {
	var f Files
	var err error
	if f.Main, err = first(root, cli.DefaultFileNames); err != nil {
		return f, err
	}
	if f.Main == "" {
		return f, fmt.Errorf("%w in %s (looked for %v)", ErrNoComposeFile, root, cli.DefaultFileNames)
	}
	f.Override, err = first(root, cli.DefaultOverrideFileNames)
	return f, err
}

func first(root string, names []string) (string, error) {
	for _, n := range names {
		fi, err := os.Lstat(filepath.Join(root, n))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("find compose file: %w", err)
		}
		if !fi.Mode().IsRegular() {
			return "", fmt.Errorf("%s is not a regular file", n)
		}
		if fi.Size() > MaxFileBytes {
			return "", fmt.Errorf("%s is %d bytes, more than the %d a compose file may have here", n, fi.Size(), MaxFileBytes)
		}
		return n, nil
	}
	return "", nil
}

// List is the project's files in merge order, without the rtdev override.
func (f Files) List() []string {
	out := []string{f.Main}
	if f.Override != "" {
		out = append(out, f.Override)
	}
	return out
}

// WithOverride is List plus OverrideFile last, so the rtdev settings win:
// the value of COMPOSE_FILE.
func (f Files) WithOverride() []string { return append(f.List(), OverrideFile) }

// EnvLines are COMPOSE_FILE, listing WithOverride, and the separator it is
// written with: what makes a plain `docker compose` use the override.
func (f Files) EnvLines() []string {
	return []string{
		"COMPOSE_FILE=" + strings.Join(f.WithOverride(), PathSeparator),
		"COMPOSE_PATH_SEPARATOR=" + PathSeparator,
	}
}
