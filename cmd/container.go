package cmd

import (
	"errors"

	"github.com/rtdev/rtdev/internal/incontainer"
	"github.com/rtdev/rtdev/project"
	"github.com/rtdev/rtdev/trust"
)

// envMountInfo names the mount table rtdev reads to tell a project mounted
// from a host (tests point it at a file of their own).
const envMountInfo = "RTDEV_MOUNTINFO"

// containerEnv is what incontainer reads on this system.
func (a *app) containerEnv() incontainer.Env {
	return incontainer.Env{Getenv: a.getenv, MountInfo: a.getenv(envMountInfo)}
}

// hostInitHint is the fix for a certificate set only the host can make or
// renew. The host runs its own rtdev, so the command is named as rtdev.
const hostInitHint = "on the host, in the project folder this container mounts, run: rtdev init (a CA made in here would not be trusted by the host's browser)"

// hostOnlyError adds the host's command to a *project.HostOnlyError.
func hostOnlyError(err error) error {
	var ho *project.HostOnlyError
	if errors.As(err, &ho) {
		return withHint(err, hostInitHint)
	}
	return err
}

// reportBorrowed says that the set is the host's, and when the host should
// renew it.
func reportBorrowed(out *status, p *projectCtx, res *project.EnsureResult) {
	out.line("ok", "inside %s: using the certificate set the host made in %s; no CA is made here", p.container, p.relPath(p.layout.Dir))
	if res.Reason != "" {
		out.line("warn", "%s is due for renewal (%s): %s", p.relPath(p.layout.Cert), res.Reason, hostInitHint)
	}
}

// ensureOptions marks base as borrowed when rtdev runs inside a container
// on a mounted project.
func (p *projectCtx) ensureOptions(base project.EnsureOptions) project.EnsureOptions {
	base.Borrowed = p.container != ""
	return base
}

// initBorrowed is rtdev init inside a container on a mounted project: it
// checks the host's certificate set and says how this container's
// processes trust it, and writes nothing (rtdev.toml, snippets, the
// bundle and trust are the host's business).
func (a *app) initBorrowed(p *projectCtx, o *initOptions, out *status, rep initReport) error {
	if len(o.hosts) > 0 || o.unconstrained || o.onboarding {
		return usageErr(hostInitHint, "inside %s the certificate set is the host's: --host, --unconstrained and --onboarding-script are for rtdev init on the host", p.container)
	}
	res, err := project.EnsureBorrowed(p.layout, a.now())
	if err != nil {
		return hostOnlyError(err)
	}
	fillEnsureReport(&rep, p, res)
	rep.Trust = []trust.Result{}
	reportBorrowed(out, p, res)
	out.line("info", "trust: this container's processes trust the CA through eval \"$(rtdev env)\", the compose override (rtdev snippet compose) or the image (rtdev snippet devcontainer)")
	if o.json {
		return writeJSON(a.io.Out, rep)
	}
	out.next("rtdev serve", "inside the container, reached from the host as https://localhost:PORT through its published port")
	return nil
}
