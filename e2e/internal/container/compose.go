package container

import (
	"context"
	"os"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// Load reads the compose project in dir as `docker compose` run there
// would: .env, then COMPOSE_FILE (which docker compose resolves from the
// folder it runs in, hence the Chdir), every profile on.
func Load(t *testing.T, dir string) *types.Project {
	t.Helper()
	for _, k := range []string{"COMPOSE_FILE", "COMPOSE_PATH_SEPARATOR", "COMPOSE_PROFILES"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Chdir(dir)
	o, err := cli.NewProjectOptions(nil,
		cli.WithWorkingDirectory(dir),
		cli.WithOsEnv,
		cli.WithEnvFiles(),
		cli.WithDotEnv,
		cli.WithConfigFileEnv,
		cli.WithDefaultConfigPath,
		cli.WithProfiles([]string{"*"}),
	)
	if err != nil {
		t.Fatal(err)
	}
	p, err := o.LoadProject(context.Background())
	if err != nil {
		t.Fatalf("load the compose project in %s: %v", dir, err)
	}
	return p
}
