package doctor

import (
	"context"
	"errors"
	"os"
	"time"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/internal/run"
	"github.com/rtdev/rtdev/project"
)

// TrustStatus reports where c is trusted: cmd passes a func that runs
// Status on every store of trust.Stores (selected or not) and says which
// RTDEV_TRUST_STORES selects.
type TrustStatus func(ctx context.Context, c *ca.CA) (StoreStatus, error)

// LocalOptions is what CheckLocal looks at.
type LocalOptions struct {
	Layout project.Layout
	Config project.Config
	// CADir is the user's CA folder (ca.DefaultDir).
	CADir string
	// System gives the hostname and LAN addresses; nil is the real machine.
	System project.System
	// Getenv reads the runtime trust variables; nil is os.Getenv.
	Getenv func(string) string
	// Trust reports the CA's status in each trust store; nil skips the
	// trust checks.
	Trust TrustStatus
	// Flatpak lists the Flatpak Chromium and Chrome installed; nil skips
	// the check.
	Flatpak FlatpakBrowsers
	// Compose reads whether the project's compose services use the rtdev
	// override; nil skips the check.
	Compose func(ctx context.Context) (ComposeUse, error)
	// Git runs git for the ignore and tracked-key checks
	// (project.CheckGit); nil skips them.
	Git run.Runner
	// WSL is the Windows side when rtdev runs inside WSL; nil skips it.
	WSL *WSLOptions
	// Now is the time certificates are judged at; zero is time.Now().
	Now time.Time
}

func (o LocalOptions) withDefaults() LocalOptions {
	if o.System == nil {
		o.System = project.OSSystem()
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	return o
}

// CheckLocal checks the CA, its trust (the stores, then the Flatpak
// browsers), the project certificate, git and the runtime trust variables,
// in that order, without any network access. It always returns at least one
// finding per area it checks, but for the Flatpak browsers, which only get
// one for a problem.
func CheckLocal(ctx context.Context, o LocalOptions) []Finding {
	o = o.withDefaults()
	c, out := checkCA(o.CADir, o.Now, o.Config.Hosts)
	out = append(out, checkDirs(o.Layout, o.CADir)...)
	out = append(out, checkProjectInWSL(o.Layout.Root)...)
	if c != nil && o.Trust != nil {
		out = append(out, checkTrust(ctx, o.Trust, c)...)
	}
	if o.Flatpak != nil {
		out = append(out, checkFlatpak(o.Flatpak, o.Getenv)...)
	}
	out = append(out, checkWSL(ctx, o.WSL, o.CADir)...)
	out = append(out, checkLeaf(o, c)...)
	if c != nil {
		out = append(out, checkFeatureCA(o.Layout, c.Cert)...)
	}
	if o.Compose != nil {
		u, err := o.Compose(ctx)
		if err != nil {
			out = append(out, Finding{ID: IDComposeOverride, Severity: SeverityWarn, Subject: u.Main,
				Message: "the compose files cannot be read: " + err.Error()})
		} else {
			out = append(out, CheckCompose(u)...)
		}
	}
	if o.Git != nil {
		out = append(out, checkGit(ctx, o.Git, o.Layout)...)
	}
	out = append(out, checkRuntime(o.Getenv, o.Layout, c)...)
	return out
}

// checkDirs reports a .rtdev that is a symbolic link, or a CA folder that
// overlaps it: init and serve refuse both (project.CheckDirs).
func checkDirs(lay project.Layout, caDir string) []Finding {
	var de *project.DirError
	if err := project.CheckDirs(lay, caDir); errors.As(err, &de) {
		return []Finding{{ID: IDProjectDirUnsafe, Severity: SeverityError, Subject: de.Path, Message: de.Error(), Fix: de.Hint()}}
	}
	return nil
}
