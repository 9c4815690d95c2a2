package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/rtdev/rtdev/compose"
	"github.com/rtdev/rtdev/internal/run"
	"github.com/rtdev/rtdev/project"
)

// composeTarget is the snippet generated from the project's compose file
// rather than rendered from a template.
const composeTarget = "compose"

// runSnippetCompose prints compose.rtdev.yaml, or with --write writes it at
// the project root, with the group-readable key copy and the .env lines it
// needs.
func runSnippetCompose(ctx context.Context, a *app, o *snippetOptions) error {
	if o.lan || o.absolute || o.behindServe {
		return usageErr(`run "rtdev snippet compose" or "rtdev snippet compose --write"`,
			"the compose override takes no --lan, --absolute or --behind-serve: containers reach the host as host.docker.internal, and its paths are relative")
	}
	p, err := a.loadProject()
	if err != nil {
		return err
	}
	files, err := compose.Find(p.layout.Root)
	if errors.Is(err, compose.ErrNoComposeFile) {
		return withHint(err, "run it in the folder of your compose.yaml (the project root)")
	}
	if err != nil {
		return err
	}
	out := a.newStatus(false)
	// The override mounts the bundle and the truststore: make sure they
	// are there and hold today's roots and CA.
	if err := refreshBundle(p, out); err != nil {
		return err
	}
	m, err := compose.Load(ctx, p.layout.Root, files)
	if err != nil {
		return err
	}
	_, tsErr := os.Stat(p.layout.TrustStore)
	res, err := compose.Generate(m, compose.Options{TrustStore: tsErr == nil})
	if err != nil {
		return err
	}
	gid := os.Getgid()
	if gid < 0 {
		gid = 0 // Windows: Docker Desktop's mounts ignore groups
	}
	if !o.write {
		if _, err := fmt.Fprint(a.io.Out, string(res.YAML)); err != nil {
			return err
		}
		reportComposeServices(out, res)
		out.line("info", "to use it: rtdev snippet compose --write (writes %s, %s and the key copy)", compose.OverrideFile, compose.DotEnvFile)
		return nil
	}
	// .env is read before anything is written: a .env that cannot be read
	// stops the write with nothing half done.
	kept, err := compose.DotEnvList(p.layout.Root)
	if err != nil {
		return err
	}
	path := filepath.Join(p.layout.Root, compose.OverrideFile)
	if changed, err := project.WriteIfChanged(path, res.YAML, 0o644); err != nil {
		return err
	} else if changed {
		out.line("ok", "wrote %s: commit it", compose.OverrideFile)
	} else {
		out.line("ok", "%s is up to date", compose.OverrideFile)
	}
	if res.ServesTLS {
		if changed, err := project.WriteGroupKey(p.layout, gid); err != nil {
			return err
		} else if changed {
			out.line("ok", "wrote %s (mode 0640, group %d) for the services that serve TLS; %s stays 0600", p.relPath(p.layout.GroupKey), gid, p.relPath(p.layout.Key))
		}
	}
	if res.UsesAdapter {
		if path, changed, err := writeAdapter(p); err != nil {
			return err
		} else if changed {
			out.line("ok", "wrote %s, the entrypoint of the services that add the CA to their image's store", p.relPath(path))
		}
	}
	reportComposeServices(out, res)
	return writeComposeEnv(ctx, p, out, compose.DotEnvLines(files, res, gid, kept))
}

// writeComposeEnv puts COMPOSE_FILE and friends into .env, unless git
// tracks .env: then it is the team's file, and one developer's values must
// not go in it, so the lines are printed instead.
func writeComposeEnv(ctx context.Context, p *projectCtx, out *status, lines []string) error {
	if project.GitTracks(ctx, run.ExecRunner(), p.layout.Root, compose.DotEnvFile) {
		out.line("warn", "git tracks %s, so rtdev leaves it alone; set these in your environment (or an untracked env file):", compose.DotEnvFile)
		for _, l := range lines {
			out.detail("%s", l)
		}
		return nil
	}
	changed, err := compose.UpdateDotEnv(filepath.Join(p.layout.Root, compose.DotEnvFile), lines)
	if err != nil {
		return err
	}
	if changed {
		out.line("ok", "set %s in %s:", strings.Join(envNames(lines), ", "), compose.DotEnvFile)
		for _, l := range lines {
			out.detail("%s", l)
		}
	}
	out.next("docker compose up", "COMPOSE_FILE in .env adds "+compose.OverrideFile+" to your compose files")
	return nil
}

// suggestCompose tells init's user, when the project has a compose file,
// how its services get the CA and which COMPOSE_FILE uses the override.
func suggestCompose(p *projectCtx, out *status) {
	files, err := compose.Find(p.layout.Root)
	if err != nil {
		return
	}
	out.line("info", "%s: rtdev snippet compose --write gives its services your CA and host.docker.internal (%s), then sets in %s:",
		files.Main, compose.OverrideFile, compose.DotEnvFile)
	kept, _ := compose.DotEnvList(p.layout.Root)
	for _, l := range files.EnvLines(kept) {
		out.detail("%s", l)
	}
}

func envNames(lines []string) []string {
	names := make([]string, 0, len(lines))
	for _, l := range lines {
		n, _, _ := strings.Cut(l, "=")
		names = append(names, n)
	}
	return names
}

// reportComposeServices says, per service that serves TLS, its alias, and
// for every service what is left for the developer to add.
func reportComposeServices(out *status, res *compose.Result) {
	for _, s := range res.Services {
		switch {
		case s.Alias != "":
			out.line("info", "%s (%s) serves TLS with the project certificate; other services reach it as %s", s.Name, s.Kind, s.Alias)
		case s.Kind.ServesTLS():
			out.line("info", "%s (%s) serves TLS with the project certificate", s.Name, s.Kind)
		case len(s.Notes) > 0:
			out.line("info", "%s:", s.Name)
		}
		for _, n := range s.Notes {
			out.detail("%s", n)
		}
	}
}
