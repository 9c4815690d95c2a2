package cmd

import (
	"fmt"
	"os"
	"path/filepath"

	"strings"

	"github.com/rtdev/rtdev/compose"
	"github.com/rtdev/rtdev/imagetrust"
	"github.com/rtdev/rtdev/internal/fsutil"
	"github.com/rtdev/rtdev/project"
)

// imageSnippets are the targets that add the rtdev CA to an image's own
// store (package imagetrust) rather than render a template.
var imageSnippets = map[string]func(a *app, p *projectCtx, write bool) error{
	"devcontainer":    devcontainerSnippet,
	"container-trust": containerTrustSnippet,
}

// devcontainerLines are what devcontainer.json needs beside the Feature:
// the CA mounted live at imagetrust.MountedCAPath (so a new CA on the host
// reaches Node and Deno without a rebuild; the Feature's copy serves the
// system store) and host.docker.internal for Docker Engine on Linux.
func devcontainerLines() string {
	return fmt.Sprintf(`// .devcontainer/devcontainer.json: add these to use the rtdev CA Feature
// (written to %s by "rtdev snippet devcontainer --write").
"features": { "./%s": {} },
"containerEnv": {
  "NODE_EXTRA_CA_CERTS": %q,
  "DENO_CERT": %q
},
"mounts": [
  "source=${localWorkspaceFolder}/.rtdev/ca.pem,target=%s,type=bind,readonly"
],
"runArgs": ["--add-host=host.docker.internal:host-gateway"]
`, imagetrust.FeatureDir, imagetrust.FeatureID, imagetrust.MountedCAPath, imagetrust.MountedCAPath, imagetrust.MountedCAPath)
}

// devcontainerSnippet prints the devcontainer.json lines; with write it
// also writes the Feature, its CA copy git-ignored (it is this
// developer's own CA).
func devcontainerSnippet(a *app, p *projectCtx, write bool) error {
	if !write {
		_, err := fmt.Fprint(a.io.Out, devcontainerLines())
		return err
	}
	caPEM, err := readProjectCA(p)
	if err != nil {
		return err
	}
	files, err := imagetrust.Feature(caPEM)
	if err != nil {
		return err
	}
	dir := filepath.Join(p.layout.Root, filepath.FromSlash(imagetrust.FeatureDir))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	// Ignored before the CA copy exists, so a git add . in between never
	// picks it up.
	if _, err := project.EnsureIgnored(p.layout.GitIgnore, project.Ignore("/"+imagetrust.FeatureDir+"/"+imagetrust.FeatureCAFile,
		"your own CA for the devcontainer Feature, different for each developer")); err != nil {
		return err
	}
	out := a.newStatus(false)
	for _, f := range files {
		path := filepath.Join(dir, f.Name)
		if err := fsutil.WriteFileAtomic(path, f.Data, os.FileMode(f.Mode)); err != nil {
			return err
		}
		out.line("ok", "wrote %s", p.relPath(path))
	}
	out.detail("commit devcontainer-feature.json and install.sh; %s is yours and git ignores it", imagetrust.FeatureCAFile)
	_, err = fmt.Fprint(a.io.Out, devcontainerLines())
	return err
}

// containerTrustSnippet prints the entrypoint adapter, or writes it to
// .rtdev/snippets/, where the compose override mounts it from.
func containerTrustSnippet(a *app, p *projectCtx, write bool) error {
	if !write {
		_, err := fmt.Fprint(a.io.Out, imagetrust.Adapter())
		return err
	}
	path, _, err := writeAdapter(p)
	if err != nil {
		return err
	}
	out := a.newStatus(false)
	out.line("ok", "wrote %s", p.relPath(path))
	out.detail("mount it at %s with .rtdev/ca.pem at %s, then entrypoint: [/bin/sh, %s] with the service's own command", imagetrust.AdapterPath, imagetrust.MountedCAPath, imagetrust.AdapterPath)
	return nil
}

// writeAdapter writes the entrypoint adapter into .rtdev/snippets/, where
// the compose override mounts it from. It is the same for everyone, but
// lives in .rtdev/ beside the CA it installs, so a teammate's rtdev init
// writes it too (initAdapter).
func writeAdapter(p *projectCtx) (path string, changed bool, err error) {
	path = filepath.Join(p.layout.Snippets, imagetrust.AdapterName)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", false, fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	changed, err = project.WriteIfChanged(path, []byte(imagetrust.Adapter()), 0o755)
	return path, changed, err
}

// initAdapter writes the adapter when the project's committed compose
// override mounts it: without the file, the engine would mount an empty
// folder in its place and the service would not start.
func initAdapter(p *projectCtx, out *status) error {
	data, err := os.ReadFile(filepath.Join(p.layout.Root, compose.OverrideFile))
	if err != nil || !strings.Contains(string(data), imagetrust.AdapterPath) {
		return nil
	}
	path, changed, err := writeAdapter(p)
	if err == nil && changed {
		out.line("ok", "wrote %s for %s", p.relPath(path), compose.OverrideFile)
	}
	return err
}
