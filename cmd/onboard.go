package cmd

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/rtdev/rtdev/internal/version"
	"github.com/rtdev/rtdev/project"
	"github.com/rtdev/rtdev/templates"
)

// onboardPin is the release the onboarding script installs: --pin, else
// this binary's version. A development build has no release to pin, and a
// script that installed "whatever is newest" would give new developers a
// different rtdev from the one the team tested, so it is refused.
func onboardPin(pin string) (string, error) {
	if pin == "" {
		v := version.String()
		if version.IsDev(v) {
			return "", usageErr("pass --pin VERSION, the rtdev release your team uses, e.g. --pin 1.2.3",
				"rtdev %s is a development build: it cannot pin the onboarding script to itself", v)
		}
		return v, nil
	}
	v, err := version.Parse(pin)
	if err == nil && version.IsDev(v) {
		err = fmt.Errorf("version %q is a development build, not a release", pin)
	}
	if err != nil {
		return "", usageErr("pass a released version, e.g. --pin 1.2.3", "--pin: %v", err)
	}
	return v, nil
}

// writeOnboardScript writes (or refreshes) templates.OnboardScriptPath,
// pinned to pin, and reports whether it changed.
func writeOnboardScript(p *projectCtx, pin string) (path string, changed bool, err error) {
	path = filepath.Join(p.layout.Root, filepath.FromSlash(templates.OnboardScriptPath))
	script, err := templates.OnboardScript(templates.Onboard{
		Version:    pin,
		Module:     version.ModulePath,
		Install:    p.config.Onboarding.Install,
		ReleaseURL: p.config.Onboarding.ReleaseURL,
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
