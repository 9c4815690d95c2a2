package compose

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
)

// A team's COMPOSE_FILE in .env keeps its files, its order and its
// separator when rtdev adds its own; the auto-loaded override it would
// drop is added, a file that is gone is not kept, and a second write
// changes nothing. Compose then loads every file.
func TestDotEnvKeepsTheTeamsFiles(t *testing.T) {
	root := writeProject(t, map[string]string{
		"compose.yaml":          baseCompose,
		"compose.override.yaml": overrideCompose,
		"compose.dev.yaml":      "services:\n  web:\n    environment:\n      TEAM: \"dev\"\n",
		DotEnvFile:              "HEAP=512m\nCOMPOSE_PATH_SEPARATOR=;\nCOMPOSE_FILE=compose.yaml;compose.dev.yaml;gone.yaml\n",
	})
	f, res := generate(t, root)
	if err := os.WriteFile(filepath.Join(root, OverrideFile), res.YAML, 0o644); err != nil {
		t.Fatal(err)
	}
	write := func() bool {
		t.Helper()
		kept, err := DotEnvList(root)
		if err != nil {
			t.Fatal(err)
		}
		changed, err := UpdateDotEnv(filepath.Join(root, DotEnvFile), DotEnvLines(f, res, 4242, kept))
		if err != nil {
			t.Fatal(err)
		}
		return changed
	}
	if !write() {
		t.Fatal("the first write changed nothing")
	}
	got, err := os.ReadFile(filepath.Join(root, DotEnvFile))
	if err != nil {
		t.Fatal(err)
	}
	want := "HEAP=512m\nCOMPOSE_PATH_SEPARATOR=;\nCOMPOSE_FILE=compose.yaml;compose.dev.yaml;compose.override.yaml;compose.rtdev.yaml\n"
	if res.ServesTLS {
		want += KeyGIDVar + "=4242\n"
	}
	if string(got) != want {
		t.Fatalf(".env =\n%s\nwant\n%s", got, want)
	}
	if write() {
		t.Error("the second write changed .env")
	}

	u, err := InUse(context.Background(), root, func(string) string { return "" })
	if err != nil || !u.Listed || u.DropsOverride || u.From != DotEnvFile {
		t.Fatalf("in use = %+v, %v", u, err)
	}
	t.Chdir(root)
	o, err := cli.NewProjectOptions(nil, cli.WithWorkingDirectory(root), cli.WithEnvFiles(), cli.WithDotEnv, cli.WithConfigFileEnv)
	if err != nil {
		t.Fatal(err)
	}
	p, err := o.LoadProject(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	env := p.Services["web"].Environment
	for k, v := range map[string]string{"TEAM": "dev", "DEBUG": "1", "SSL_CERT_FILE": BundlePath} {
		if env[k] == nil || *env[k] != v {
			t.Errorf("%s = %v, want %q: a file was dropped", k, env[k], v)
		}
	}
	if !slices.Contains(p.ComposeFiles, filepath.Join(root, "compose.dev.yaml")) {
		t.Errorf("compose files = %v", p.ComposeFiles)
	}
}
