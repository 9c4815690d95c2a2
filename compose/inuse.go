package compose

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v4"
)

// Use is whether a project's compose services get the rtdev override, as
// doctor reports it: the facts only, so doctor needs no compose library.
type Use struct {
	// Main is the project's compose file; "" when it has none.
	Main string
	// Services are the services of the project's own files.
	Services []string
	// OverrideExists says whether compose.rtdev.yaml is at the root, and
	// Covered the services it names.
	OverrideExists bool
	Covered        []string
	// Listed says whether COMPOSE_FILE names the override, and From where
	// COMPOSE_FILE was read ("the environment", ".env", or "" when unset).
	Listed bool
	From   string
	// DropsOverride is true when COMPOSE_FILE lists files but leaves out
	// the auto-loaded compose.override.yaml the project has.
	DropsOverride bool
}

// InUse reads what `docker compose` run in root would use: the compose
// files, COMPOSE_FILE from the environment or else from .env, and the
// services the override covers. A project without a compose file is a Use
// with no Main.
func InUse(ctx context.Context, root string, getenv func(string) string) (Use, error) {
	files, err := Find(root)
	if errors.Is(err, ErrNoComposeFile) {
		return Use{}, nil
	}
	if err != nil {
		return Use{}, err
	}
	u := Use{Main: files.Main}
	m, err := Load(ctx, root, files)
	if err != nil {
		return u, err
	}
	u.Services = m.ServiceNames()

	data, err := readLimited(filepath.Join(root, OverrideFile))
	switch {
	case err == nil:
		u.OverrideExists = true
		var doc struct {
			Services map[string]any `yaml:"services"`
		}
		if yaml.Unmarshal(data, &doc) == nil {
			for name := range doc.Services {
				u.Covered = append(u.Covered, name)
			}
			slices.Sort(u.Covered)
		}
	case !errors.Is(err, fs.ErrNotExist):
		return u, err
	}

	list, sep := getenv("COMPOSE_FILE"), getenv("COMPOSE_PATH_SEPARATOR")
	u.From = "the environment"
	if list == "" {
		if list, sep, err = dotEnvCompose(root); err != nil {
			return u, err
		}
		u.From = DotEnvFile
	}
	if list == "" {
		u.From = ""
		return u, nil
	}
	listed := splitList(list, sep).Files
	u.Listed = slices.Contains(listed, OverrideFile)
	u.DropsOverride = files.Override != "" && !slices.Contains(listed, files.Override)
	return u, nil
}

// splitList splits a COMPOSE_FILE value with its COMPOSE_PATH_SEPARATOR,
// the OS's list separator when that is unset, as Compose does.
func splitList(list, sep string) List {
	l := List{Sep: sep}
	if sep == "" {
		sep = string(os.PathListSeparator)
	}
	for _, f := range strings.Split(list, sep) {
		if f = strings.TrimSpace(f); f != "" {
			l.Files = append(l.Files, filepath.ToSlash(filepath.Clean(f)))
		}
	}
	return l
}

// readLimited reads a file of at most MaxFileBytes.
func readLimited(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Size() > MaxFileBytes {
		return nil, errors.New(path + " is larger than a compose file may be here")
	}
	return os.ReadFile(path)
}

// dotEnvValue is the value .env data gives name (NAME=VALUE or export
// NAME=VALUE, quotes removed), or "".
func dotEnvValue(data []byte, name string) string {
	sc := bufio.NewScanner(bytes.NewReader(data))
	val := ""
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimPrefix(strings.TrimSpace(sc.Text()), "export "), "=")
		if ok && strings.TrimSpace(k) == name {
			val = strings.Trim(strings.TrimSpace(v), `"'`)
		}
	}
	return val
}
