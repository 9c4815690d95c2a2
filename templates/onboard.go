package templates

import (
	_ "embed"
	"fmt"
	"github.com/rtdev/rtdev/project"
	"strings"
	"text/template"

	"github.com/rtdev/rtdev/internal/shell"
)

// OnboardScriptPath is where `rtdev init --onboarding-script` writes the
// team's setup script, relative to the project root. Run from its file, the
// script changes to the folder above its own, so the two move together; read
// from standard input it finds the project through git, and names this path
// when it cannot.
const OnboardScriptPath = "scripts/rtdev-onboard.sh"

// onboardSrc is POSIX sh (checked with shellcheck and run under dash in
// cmd's tests). It is safe to run again and again: an installed rtdev of
// the pinned version is kept, and rtdev init changes nothing when nothing
// changed. It never copies a CA key: each developer gets their own CA on
// their own machine, and only rtdev.toml is shared through git.
//
//go:embed onboard.sh.tmpl
var onboardSrc string

var onboardTmpl = template.Must(template.New("onboard").Parse(onboardSrc))

// Onboard is what the onboarding script is written from.
type Onboard struct {
	// Version is the rtdev release the script installs when rtdev is
	// missing (1.2.3, no "v"); the caller refuses a development build.
	Version string
	// Module is what `go install` fetches.
	Module string
	// Install is rtdev.toml's onboarding.install: "release", "npm", "go" or
	// "" (go install when Go is there).
	Install string
	// ReleaseURL is the folder of the release archives and checksums.txt;
	// "{version}" in it becomes Version.
	ReleaseURL string
	// ProjectDir is read for package.json, whose dev script the script
	// names as the next command.
	ProjectDir string
	// ServePort is the rtdev serve port the script points to.
	ServePort int
}

// OnboardScript renders the onboarding script. Every value is written as a
// quoted shell word: rtdev.toml comes from other people.
func OnboardScript(o Onboard) ([]byte, error) {
	var b strings.Builder
	err := onboardTmpl.Execute(&b, map[string]any{
		"Version":    shell.Quote(o.Version),
		"Install":    shell.Quote(o.Install),
		"ReleaseURL": shell.Quote(strings.TrimSuffix(strings.ReplaceAll(o.ReleaseURL, "{version}", o.Version), "/")),
		"Module":     shell.Quote(o.Module),
		"Up":         "..",
		"Path":       OnboardScriptPath,
		"Next":       nextCommands(o),
	})
	if err != nil {
		return nil, fmt.Errorf("render onboarding script: %w", err)
	}
	return []byte(b.String()), nil
}

// nextCommands are the commands a new developer runs next: the app's own
// dev server (from package.json scripts) and the signaling server, unless
// the app's Vite config runs rtdev serve itself through the rtdev plugin.
// They are echoed inside double quotes, so a double quote becomes a single
// one, and "$show" is how the script reaches rtdev (a folder not on PATH,
// or npx), so the line works as pasted.
func nextCommands(o Onboard) []string {
	var next []string
	plugin := UsesVitePlugin(o.ProjectDir)
	// An unreadable package.json only costs the npm line; Detect reports it.
	if pkg, err := readPackageJSON(o.ProjectDir); err == nil && pkg != nil {
		for _, s := range []string{"dev", "start", "serve"} {
			if _, ok := pkg.Scripts[s]; ok {
				why := "your app's dev server, now over HTTPS"
				if plugin {
					why = "your app over HTTPS; the rtdev Vite plugin starts the signaling server with it"
				}
				next = append(next, "npm run "+s+"    # "+why)
				break
			}
		}
	}
	if plugin && len(next) > 0 {
		return quoteNext(next)
	}
	next = append(next, "$show serve       # PeerJS signaling on wss://localhost:"+fmt.Sprint(o.ServePort))
	next = append(next, "open https://localhost:"+fmt.Sprint(o.ServePort)+project.PagePrefix+" to check everything")
	return quoteNext(next)
}

func quoteNext(next []string) []string {
	for i, n := range next {
		next[i] = strings.ReplaceAll(n, `"`, `'`)
	}
	return next
}
