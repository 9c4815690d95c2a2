package cmd

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/rtdev/rtdev/internal/version"
	"github.com/rtdev/rtdev/project"
	"github.com/rtdev/rtdev/templates"
)

// writeOnboardScript writes (or refreshes) templates.OnboardScriptPath and
// reports whether it changed.
func writeOnboardScript(p *projectCtx) (path string, changed bool, err error) {
	path = filepath.Join(p.layout.Root, filepath.FromSlash(templates.OnboardScriptPath))
	script, err := templates.OnboardScript(templates.Onboard{
		Version:    version.String(),
		Module:     version.ModulePath,
		ProjectDir: p.layout.Root,
		ServePort:  p.config.Serve.Port,
	})
	if err != nil {
		return "", false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", false, fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	changed, err = project.WriteIfChanged(path, script, 0o755)
	return path, changed, err
}
