package cmd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"text/template"

	"github.com/rtdev/rtdev/project"
)

// OnboardScript is where `rtdev init --onboarding-script` writes the team's
// setup script, relative to the project root.
const onboardScript = "scripts/rtdev-onboard.sh"

// modulePath is what `go install` fetches when a developer has no rtdev.
const modulePath = "github.com/rtdev/rtdev"

// onboardTmpl is POSIX sh (checked with shellcheck in the tests). It is safe
// to run again and again: rtdev init changes nothing when nothing changed.
// It never copies a CA key: each developer gets their own CA on their own
// machine, and only rtdev.toml is shared through git.
var onboardTmpl = template.Must(template.New("onboard").Parse(`#!/bin/sh
# rtdev onboarding for this app: local HTTPS and WSS that browsers trust.
# Safe to run again at any time. Written by "rtdev init --onboarding-script"
# (rtdev {{.Version}}); commit it with rtdev.toml.
#
# Each developer gets their own CA on their own machine; no key is ever
# copied between machines or committed. The certificate set is written to
# .rtdev/, which git ignores.
set -eu

RTDEV_VERSION="{{.Version}}"

cd "$(dirname "$0")/{{.Up}}"

if ! command -v rtdev >/dev/null 2>&1; then
	if ! command -v go >/dev/null 2>&1; then
		echo "rtdev-onboard: rtdev is not installed and neither is Go." >&2
		echo "rtdev-onboard: install Go (https://go.dev/dl/), then run $0 again." >&2
		exit 1
	fi
	echo "rtdev-onboard: installing rtdev $RTDEV_VERSION with go install"
	go install "{{.Module}}@$RTDEV_VERSION"
	PATH="$(go env GOPATH)/bin:$PATH"
	export PATH
fi

# The CA, the certificate set and trust, from the committed rtdev.toml.
rtdev init --yes

# What is still wrong, if anything, with the command that fixes it.
status=0
rtdev doctor || status=$?

echo
echo "Next:"
{{- range .Next}}
echo "  {{.}}"
{{- end}}
exit "$status"
`))

// writeOnboardScript writes (or refreshes) scripts/rtdev-onboard.sh and
// reports whether it changed.
func writeOnboardScript(p *projectCtx) (path string, changed bool, err error) {
	path = filepath.Join(p.layout.Root, filepath.FromSlash(onboardScript))
	version := Version()
	if version == "devel" {
		// A development build has no tag to pin; the newest release is the
		// nearest thing.
		version = "latest"
	}
	var b bytes.Buffer
	err = onboardTmpl.Execute(&b, map[string]any{
		"Version": version,
		"Module":  modulePath,
		"Up":      "..",
		"Next":    nextCommands(p),
	})
	if err != nil {
		return "", false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", false, fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	changed, err = project.WriteIfChanged(path, b.Bytes(), 0o755)
	return path, changed, err
}

// nextCommands are the commands a new developer runs next: the app's own
// dev server (from package.json scripts) and the signaling server.
func nextCommands(p *projectCtx) []string {
	var next []string
	if data, err := os.ReadFile(filepath.Join(p.layout.Root, "package.json")); err == nil {
		var pkg struct {
			Scripts map[string]string `json:"scripts"`
		}
		if json.Unmarshal(data, &pkg) == nil {
			for _, s := range []string{"dev", "start", "serve"} {
				if _, ok := pkg.Scripts[s]; ok {
					next = append(next, "npm run "+s+"    # your app's dev server, now over HTTPS")
					break
				}
			}
		}
	}
	next = append(next, "rtdev serve       # PeerJS signaling on wss://localhost:"+fmt.Sprint(p.config.Serve.Port))
	next = append(next, "open https://localhost:"+fmt.Sprint(p.config.Serve.Port)+"/rtdev/ to check everything")
	for i, n := range next {
		next[i] = strings.ReplaceAll(n, `"`, `'`)
	}
	return next
}
