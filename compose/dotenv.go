package compose

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/rtdev/rtdev/project"
)

// DotEnvFile is the file Compose reads variables (COMPOSE_FILE among them)
// from, in the project folder.
const DotEnvFile = ".env"

// DotEnvLines are the variables a developer's .env needs for the override:
// COMPOSE_FILE listing every file with its separator (keeping the files
// of kept, the list .env has now), and, when a service serves TLS, the
// group id of the key copy.
func DotEnvLines(f Files, r *Result, gid int, kept List) []string {
	lines := f.EnvLines(kept)
	if r.ServesTLS {
		lines = append(lines, KeyGIDVar+"="+strconv.Itoa(gid))
	}
	return lines
}

// DotEnvList is the COMPOSE_FILE list in root's .env, which rtdev keeps
// when it writes its own, without the files that no longer exist (Compose
// would stop on them). No .env, or none set there, is an empty List.
func DotEnvList(root string) (List, error) {
	list, sep, err := dotEnvCompose(root)
	if err != nil {
		return List{}, err
	}
	l := splitList(list, sep)
	l.Files = slices.DeleteFunc(l.Files, func(f string) bool {
		if !filepath.IsAbs(f) {
			f = filepath.Join(root, f)
		}
		_, err := os.Stat(f)
		return err != nil
	})
	return l, nil
}

// dotEnvCompose is COMPOSE_FILE and COMPOSE_PATH_SEPARATOR as root's .env
// sets them, both empty when there is no .env.
func dotEnvCompose(root string) (list, sep string, err error) {
	env, err := readLimited(filepath.Join(root, DotEnvFile))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", "", err
	}
	return dotEnvValue(env, "COMPOSE_FILE"), dotEnvValue(env, "COMPOSE_PATH_SEPARATOR"), nil
}

// UpdateDotEnv sets each NAME=VALUE of lines in the .env file at path,
// replacing the line that sets NAME (with or without "export") and
// appending the others; every other line stays as it was. It returns
// whether the file changed. A new file is 0600: .env files often hold
// secrets.
func UpdateDotEnv(path string, lines []string) (bool, error) {
	cur, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("read %s: %w", path, err)
	}
	if len(cur) > MaxFileBytes {
		return false, fmt.Errorf("%s is larger than %d bytes", path, MaxFileBytes)
	}
	mode := fs.FileMode(0o600)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	want := map[string]string{}
	var order []string
	for _, l := range lines {
		k, _, _ := strings.Cut(l, "=")
		want[k] = l
		order = append(order, k)
	}
	var out []string
	text := strings.TrimSuffix(string(cur), "\n")
	if text != "" {
		for _, l := range strings.Split(text, "\n") {
			k, _, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(l), "export "), "=")
			if nl, hit := want[strings.TrimSpace(k)]; ok && hit {
				out = append(out, nl)
				delete(want, strings.TrimSpace(k))
				continue
			}
			out = append(out, l)
		}
	}
	for _, k := range order {
		if l, ok := want[k]; ok {
			out = append(out, l)
		}
	}
	data := []byte(strings.Join(out, "\n") + "\n")
	if bytes.Equal(data, cur) {
		return false, nil
	}
	return project.WriteIfChanged(path, data, mode)
}
