package compose

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
	"github.com/sirupsen/logrus"
)

// MaxServices bounds how many services a project may have here.
const MaxServices = 256

// serviceName is what the Compose specification allows as a service name
// (compose-spec schema, "services" patternProperties), with a length bound
// of our own: a name is written into the override and printed.
var serviceName = regexp.MustCompile(`^[a-zA-Z0-9._-]{1,63}$`)

// Model is a loaded compose project: the merged services as the engine
// would see them, and the raw, uninterpolated form of each service, from
// which values copied into the override are taken (the override is
// committed, so it must keep ${VAR} references as written, never a value
// from one developer's environment).
type Model struct {
	Files   Files
	Project *types.Project
	Raw     map[string]map[string]any
}

// Load reads files (relative to root) with compose-go, every profile
// enabled so that no service is left without the CA, the project's .env
// and the environment used for interpolation as Compose does.
func Load(ctx context.Context, root string, files Files) (*Model, error) {
	if fi, err := os.Stat(filepath.Join(root, DotEnvFile)); err == nil && fi.Size() > MaxFileBytes {
		return nil, fmt.Errorf("%s is %d bytes, more than the %d rtdev reads", DotEnvFile, fi.Size(), MaxFileBytes)
	}
	defer quiet()()
	paths := make([]string, 0, 2)
	for _, f := range files.List() {
		paths = append(paths, filepath.Join(root, f))
	}
	opts := func(interpolate bool) (*cli.ProjectOptions, error) {
		return cli.NewProjectOptions(paths,
			cli.WithWorkingDirectory(root),
			cli.WithOsEnv,
			cli.WithEnvFiles(),
			cli.WithDotEnv,
			cli.WithProfiles([]string{"*"}),
			cli.WithInterpolation(interpolate),
			// Our own project name when the folder's cannot be one
			// (compose-go then refuses to load).
			cli.WithName(projectName(root)),
		)
	}
	o, err := opts(true)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", files.Main, err)
	}
	p, err := o.LoadProject(ctx)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", files.Main, err)
	}
	if len(p.Services) > MaxServices {
		return nil, fmt.Errorf("load %s: %d services, more than the %d rtdev handles", files.Main, len(p.Services), MaxServices)
	}
	for name := range p.Services {
		if !serviceName.MatchString(name) {
			return nil, fmt.Errorf("load %s: service name %q is not one the Compose specification allows", files.Main, name)
		}
	}
	o, err = opts(false)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", files.Main, err)
	}
	raw, err := o.LoadModel(ctx)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", files.Main, err)
	}
	m := &Model{Files: files, Project: p, Raw: map[string]map[string]any{}}
	if svcs, ok := raw["services"].(map[string]any); ok {
		for name, s := range svcs {
			if sm, ok := s.(map[string]any); ok {
				m.Raw[name] = sm
			}
		}
	}
	return m, nil
}

// ServiceNames are the project's services, sorted.
func (m *Model) ServiceNames() []string {
	names := make([]string, 0, len(m.Project.Services))
	for n := range m.Project.Services {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// projectName is the folder's name as Compose normalises it (lowercase
// letters, digits, "-" and "_"), or "rtdev" when nothing is left.
func projectName(root string) string {
	n := loader.NormalizeProjectName(filepath.Base(root))
	if n == "" {
		return "rtdev"
	}
	return n
}

// quiet silences compose-go's logging (logrus's standard logger, on
// stderr) until the returned function restores it. It warns about
// variables unset in rtdev's environment, which do not matter here (the
// override copies values uninterpolated), and a library must not print on
// the CLI's stderr, unescaped, text taken from a committed file.
func quiet() (restore func()) {
	std := logrus.StandardLogger()
	out, level := std.Out, std.GetLevel()
	std.SetOutput(io.Discard)
	std.SetLevel(logrus.PanicLevel)
	return func() {
		std.SetOutput(out)
		std.SetLevel(level)
	}
}
