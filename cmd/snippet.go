package cmd

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/compose"
	"github.com/rtdev/rtdev/imagetrust"
	"github.com/rtdev/rtdev/internal/fsutil"
	"github.com/rtdev/rtdev/project"
	"github.com/rtdev/rtdev/templates"
)

type snippetOptions struct {
	list     bool
	write    bool
	lan      bool
	relative bool // the default now; kept so scripts passing it still run
	absolute bool
	// behindServe renders a dev server's config for running plain behind
	// rtdev serve --route /=http://localhost:PORT.
	behindServe bool
}

func newCmdSnippet(a *app) *cobra.Command {
	o := &snippetOptions{}
	c := &cobra.Command{
		Use:   "snippet [TARGET]",
		Short: "Print the config for a tool (vite, next, peerjs, nginx, ...) with this project's paths",
		Long: `Print the configuration TARGET needs to use the project's certificate set, filled
in with its real paths, hosts and rtdev serve settings. The snippet alone goes
to stdout, so it can be redirected into a file; --write saves it as
.rtdev/snippets/TARGET/FILE instead, FILE being the name its tool reads
(vite.config.js, nuxt.config.ts; a package.json script becomes a package.json
holding only that script, to merge into yours). Files you commit get paths
relative to the project root, which is where their tools resolve them, so
they work for every developer; --absolute gives absolute paths.
--list shows every target, and the versions each server snippet runs on
with what Debian 12, Ubuntu 22.04 and Ubuntu 24.04 ship.

"rtdev snippet compose" is generated from the project's compose file:
an override giving every service the rtdev CA, the variables runtimes read to
trust it and host.docker.internal; --write saves it as compose.rtdev.yaml at
the project root (commit it) and lists it in COMPOSE_FILE in .env.
"rtdev snippet devcontainer" prints the devcontainer.json lines of the local
Feature that bakes the CA into a dev container's image (--write writes it to
.devcontainer/rtdev-ca/), and "rtdev snippet container-trust" the entrypoint
adapter that adds it to the store of an image you do not build.`,
		Example: `  rtdev snippet --list
  rtdev snippet vite
  rtdev snippet vite --lan       # a dev server a phone on your network can open
  rtdev snippet nginx --write
  rtdev snippet compose --write       # compose.rtdev.yaml + COMPOSE_FILE in .env
  rtdev snippet vite --behind-serve   # plain Vite behind rtdev serve --route /=http://localhost:5173`,
		RunE: func(cmd *cobra.Command, args []string) error { return runSnippet(cmd.Context(), a, o, args) },
	}
	f := c.Flags()
	f.BoolVar(&o.list, "list", false, "list the targets, one line each, then what each server snippet runs on")
	f.BoolVar(&o.write, "write", false, "write the snippet to .rtdev/snippets/TARGET/FILE instead of printing it")
	f.BoolVar(&o.lan, "lan", false, "for a phone on your network: servers listen on every interface and clients use this machine's LAN IP (the peerjs and websocket snippets always use the page's own host)")
	f.BoolVar(&o.behindServe, "behind-serve", false, "config for a dev server run plain behind rtdev serve --route /=http://localhost:PORT (vite, astro, nuxt): its HMR connects through the serve port")
	f.BoolVar(&o.absolute, "absolute", false, "use absolute paths even where the tool resolves relative ones from the project root")
	// --relative was the opt-in before relative paths became the default.
	// Hidden, not deprecated: cobra prints the deprecation notice on stdout,
	// which is the snippet's.
	f.BoolVar(&o.relative, "relative", false, "use project-relative paths where the tool resolves them from the project root (the default)")
	_ = f.MarkHidden("relative")
	return c
}

func runSnippet(ctx context.Context, a *app, o *snippetOptions, args []string) error {
	if o.list || len(args) == 0 {
		if len(args) > 0 {
			return usageErr(`run "rtdev snippet --list" or "rtdev snippet TARGET"`, "--list takes no TARGET")
		}
		return printTargets(a)
	}
	if len(args) > 1 {
		return usageErr(`run "rtdev snippet TARGET" once per target`, "rtdev snippet takes one TARGET, got %d", len(args))
	}
	if o.relative && o.absolute {
		return usageErr("pass --absolute alone", "--relative and --absolute contradict each other")
	}
	if args[0] == composeTarget {
		return runSnippetCompose(ctx, a, o)
	}
	if image, ok := imageSnippets[args[0]]; ok {
		p, err := a.loadProject()
		if err != nil {
			return err
		}
		return image(a, p, o.write)
	}
	// Before the project is loaded, so a typo'd target is named as one
	// even in a folder with no certificate set yet.
	if err := templates.CheckTarget(args[0], o.behindServe); err != nil {
		return usageIf[*templates.BehindServeError](usageIf[*templates.UnknownTargetError](err))
	}
	p, err := a.loadProject()
	if err != nil {
		return err
	}
	data, err := snippetData(p, o.lan, o.absolute)
	if err != nil {
		return err
	}
	data.BehindServe = o.behindServe
	text, err := templates.Render(args[0], data)
	if err != nil {
		return err
	}
	out := a.newStatus(false)
	if aside := templates.Aside(args[0], data); aside != "" {
		defer out.line("info", "%s", aside) // on stderr, so the snippet stays valid JSON
	}
	if !o.write {
		_, err := fmt.Fprint(a.io.Out, text)
		return err
	}
	path, err := writeSnippet(p, args[0], text)
	if err != nil {
		return err
	}
	out.line("ok", "wrote %s", p.relPath(path))
	return nil
}

// writeSnippet saves a rendered snippet as .rtdev/snippets/TARGET/FILE,
// FILE being the name its tool reads (vite.config.js, package.json, ...).
func writeSnippet(p *projectCtx, target, text string) (string, error) {
	t, _ := templates.Lookup(target)
	path := t.SnippetPath(p.layout.Snippets)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	return path, fsutil.WriteFileAtomic(path, []byte(text), 0o644)
}

// printTargets lists every target, then what each server snippet runs on:
// the versions it is written for and what Debian 12, Ubuntu 22.04 and
// Ubuntu 24.04 ship.
func printTargets(a *app) error {
	st := a.io.StylesOut()
	var rows, runs [][]string
	for _, t := range templates.Targets() {
		name := t.Name
		if len(t.Aliases) > 0 {
			name += " (" + strings.Join(t.Aliases, ", ") + ")"
		}
		rows = append(rows, []string{name, t.Kind, t.Description, t.File})
		if s, ok := templates.SupportOf(t.Name); ok {
			runs = append(runs, []string{t.Name, s.Versions, s.Debian12, s.Ubuntu2204, s.Ubuntu2404})
		}
	}
	rows = append(rows, []string{composeTarget, "containers", "an override giving every compose service the CA, the trust variables and host.docker.internal", compose.OverrideFile},
		[]string{"devcontainer", "containers", "a local devcontainer Feature that bakes the CA into the dev container's image", imagetrust.FeatureDir + "/"},
		[]string{"container-trust", "containers", "an entrypoint that adds the mounted CA to an image's own store, then runs its command", imagetrust.AdapterName})
	_, err := fmt.Fprint(a.io.Out, st.Table([]string{"target", "kind", "what", "goes in"}, rows), "\n",
		st.Table([]string{"server", "runs on", "Debian 12", "Ubuntu 22.04", "Ubuntu 24.04"}, runs))
	return err
}

// snippetData fills the template data from the project's real state: the
// files in .rtdev/, the names in the certificate, and the serve settings.
func snippetData(p *projectCtx, lan, absolute bool) (templates.Data, error) {
	lay := p.layout
	if _, err := readProjectCA(p); err != nil {
		return templates.Data{}, err
	}
	d := templates.LayoutData(lay)
	d.ServePort, d.ServePath, d.ServeKey = p.config.Serve.Port, p.config.Serve.Path, p.config.Serve.Key
	d.KeyType, d.Absolute, d.Host = p.config.KeyType, absolute, "localhost"
	d.P12Password = project.P12Password(lay)
	if _, err := os.Stat(lay.TrustStore); err == nil {
		d.TrustStoreFile, d.TrustStorePassword = lay.TrustStore, project.TrustStorePassword
	}
	if leaf, err := ca.LoadLeaf(lay.Cert, ""); err == nil {
		d.Hosts = nameStrings(leaf.Names())
	}
	if lan || p.config.Serve.LAN {
		d.LANAddress = project.PrimaryLANAddr(project.OSSystem())
		if d.LANAddress == "" {
			return d, withHint(errors.New("no LAN address found on this machine"), "connect to a network, or leave out --lan")
		}
	}
	if lan {
		d.Host = d.LANAddress
	}
	return d, nil
}

type snippetEntry struct {
	Target  string `json:"target"`
	File    string `json:"file"`
	Because string `json:"because,omitempty"`
}

// writeInitSnippets writes a snippet for each target in rtdev.toml and each
// tool detected in the project, and names them.
func writeInitSnippets(p *projectCtx, detected []templates.Detection, out *status) ([]snippetEntry, error) {
	why := map[string]string{}
	targets := append([]string{}, p.config.Targets...)
	for _, d := range detected {
		why[d.Target] = d.Because
		if !slices.Contains(targets, d.Target) {
			targets = append(targets, d.Target)
		}
	}
	data, err := snippetData(p, false, false)
	if err != nil {
		return nil, err
	}
	entries := []snippetEntry{}
	for _, name := range targets {
		text, err := templates.Render(name, data)
		if err != nil {
			return nil, fmt.Errorf("snippet %s (from %s): %w", name, p.relPath(p.layout.ConfigFile), err)
		}
		path, err := writeSnippet(p, name, text)
		if err != nil {
			return nil, err
		}
		entries = append(entries, snippetEntry{Target: name, File: path, Because: why[name]})
		if why[name] != "" {
			out.line("ok", "snippet for %s (%s): %s", name, why[name], p.relPath(path))
		} else {
			out.line("ok", "snippet for %s: %s", name, p.relPath(path))
		}
	}
	return entries, nil
}
