package compose

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
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

// List is a COMPOSE_FILE value: its files, relative to the project root as
// written, and the separator they were split with ("" for PathSeparator).
type List struct {
	Files []string
	Sep   string
}

// listing is what COMPOSE_FILE lists for the override to be used: the
// files kept (the list .env has now, in its order: a team's extra files
// must survive rtdev), or the project's own files when nothing is kept;
// then the auto-loaded override when it is missing, which Compose stops
// loading once files are listed; then OverrideFile last, so the rtdev
// settings win.
func (f Files) listing(kept []string) []string {
	if len(kept) == 0 {
		kept = f.List()
	}
	var out []string
	for _, k := range kept {
		if k != OverrideFile && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	if f.Override != "" && !slices.Contains(out, f.Override) {
		out = append(out, f.Override)
	}
	return append(out, OverrideFile)
}

// EnvLines are COMPOSE_FILE, listing listing(kept.Files), and the
// separator it is written with (kept's, else PathSeparator): what makes a
// plain `docker compose` use the override.
func (f Files) EnvLines(kept List) []string {
	sep := kept.Sep
	if sep == "" {
		sep = PathSeparator
	}
	return []string{
		"COMPOSE_FILE=" + strings.Join(f.listing(kept.Files), sep),
		"COMPOSE_PATH_SEPARATOR=" + sep,
	}
}
