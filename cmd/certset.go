package cmd

import (
	"context"
	"log/slog"

	"github.com/rtdev/rtdev/internal/tlsserve"
	"github.com/rtdev/rtdev/project"
)

// servedCertSet is what a long-running command (serve, proxy) serves with:
// the project's certificate set brought up to date, the pair reloaded from
// disk on each handshake, and the renewer that keeps it current.
type servedCertSet struct {
	res      *project.EnsureResult
	reloader *tlsserve.CertReloader
	renewer  *project.Renewer
	// sys is the machine the host list was read from (with the Windows
	// host's addresses inside WSL2 under NAT).
	sys project.System
}

// serveCertSet runs Ensure for a server (creating the set, without trust,
// when it is missing), says what it did, and prepares the reloader and the
// renewer; the caller starts renewer.Run.
func (a *app) serveCertSet(p *projectCtx, out *status, logger *slog.Logger) (*servedCertSet, error) {
	// hostSystem bounds its PowerShell calls with their own timeouts.
	sys := a.hostSystem(context.Background(), p.layout.Dir)
	opts := p.ensureOptions(project.EnsureOptions{
		Layout: p.layout, Config: p.config, CADir: p.caDir,
		System: sys, Owner: owner(), Now: a.now(),
	})
	res, err := project.Ensure(opts)
	if err != nil {
		return nil, hostOnlyError(err)
	}
	if opts.Borrowed {
		reportBorrowed(out, p, res)
	}
	switch res.LeafAction {
	case project.LeafIssued:
		out.line("warn", "no certificate set yet: created it in %s (trust is not installed: run rtdev init)", p.relPath(p.layout.Dir))
	case project.LeafRenewed:
		out.line("ok", "renewed %s: %s", p.relPath(p.layout.Cert), res.Reason)
	}
	reportLeftOut(out, res)
	reloader, err := tlsserve.NewCertReloader(p.layout.Cert, p.layout.Key)
	if err != nil {
		return nil, withHint(err, "run \"rtdev init\" to issue the project certificate")
	}
	renewer := project.NewRenewer(opts, res)
	renewer.Now, renewer.Log = a.now, logger
	return &servedCertSet{res: res, reloader: reloader, renewer: renewer, sys: sys}, nil
}
