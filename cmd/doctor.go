package cmd

import (
	"context"
	"crypto/x509"
	"fmt"
	"net/url"
	"os"
	"runtime"
	"time"

	"github.com/spf13/cobra"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/compose"
	"github.com/rtdev/rtdev/doctor"
	"github.com/rtdev/rtdev/internal/run"
	"github.com/rtdev/rtdev/internal/textsafe"
	"github.com/rtdev/rtdev/trust"
)

type doctorOptions struct {
	json    bool
	peerjs  bool
	key     string
	origin  string
	timeout time.Duration
}

func newCmdDoctor(a *app) *cobra.Command {
	o := &doctorOptions{}
	c := &cobra.Command{
		Use:   "doctor [URL...]",
		Short: "Diagnose the CA, the certificate set, the trust stores and live HTTPS/WSS endpoints",
		Long: `Check your CA, this project's certificate set, where the CA is trusted, git
hygiene and runtime variables, then probe each URL given: the TCP port, TLS
versus plain HTTP (ERR_SSL_PROTOCOL_ERROR, "first record does not look like a
TLS handshake"), the certificate it presents (unknown authority, name mismatch,
dates, missing intermediate, weak key), the WebSocket upgrade and, with
--peerjs, a PeerJS id fetch and OPEN round trip. Each finding is one sentence
with the command that fixes it. Exit status 3 when there is a problem.

A URL is https://, wss://, http://, ws:// or host:port (taken as https).`,
		Example: `  rtdev doctor
  rtdev doctor https://localhost:9000 --peerjs
  rtdev doctor wss://192.168.1.20:9000/peerjs --origin https://192.168.1.20:5173
  rtdev doctor localhost:443 --json | jq '.findings[] | select(.severity=="error")'`,
		RunE: func(cmd *cobra.Command, args []string) error { return runDoctor(cmd.Context(), a, o, args) },
	}
	f := c.Flags()
	f.BoolVar(&o.json, "json", false, "print the findings as JSON on stdout (format in the README)")
	f.BoolVar(&o.peerjs, "peerjs", false, "also fetch a PeerJS id and wait for OPEN; the URL path is the PeerJS path")
	f.StringVar(&o.key, "key", "peerjs", "PeerJS `KEY` for --peerjs")
	f.StringVar(&o.origin, "origin", "", "check CORS, WebSocket access and mixed content for this page `ORIGIN` (https://localhost:5173)")
	f.DurationVar(&o.timeout, "timeout", doctor.DefaultProbeTimeout, "time limit for each network step")
	return c
}

func runDoctor(ctx context.Context, a *app, o *doctorOptions, urls []string) error {
	for _, u := range urls {
		if _, err := doctor.ParseTarget(u); err != nil {
			return usageErr("give a URL such as https://localhost:9000 or host:port", "%v", err)
		}
	}
	if o.timeout <= 0 {
		return usageErr("give a time such as --timeout 5s", "--timeout %v: must be more than 0", o.timeout)
	}
	if o.origin != "" && !isOrigin(o.origin) {
		return usageErr("give the page's origin, such as --origin https://localhost:5173",
			"--origin %q is not an origin (scheme://host[:port])", o.origin)
	}
	p, err := a.loadProject()
	if err != nil {
		return err
	}
	var sections [][]doctor.Finding
	stores := a.storeStatusOnce()
	local := len(urls) == 0 || isProject(p)
	if local && p.container != "" {
		// The CA folder, trust stores and git are the host's: check what
		// this container relies on instead.
		stop := a.io.Progress("checking the host's certificate set and rtdev serve at host.docker.internal")
		sections = append(sections, doctor.CheckContainer(ctx, doctor.ContainerOptions{
			Layout: p.layout, Kind: string(p.container), Port: p.config.Serve.Port,
			Getenv: a.getenv, Timeout: o.timeout, Now: a.now(),
		}))
		stop()
		local = false
	}
	if local {
		stop := a.io.Progress("checking the CA, the certificate set and the trust stores")
		sections = append(sections, doctor.CheckLocal(ctx, doctor.LocalOptions{
			Layout: p.layout,
			Config: p.config,
			CADir:  p.caDir,
			System: a.hostSystem(ctx, p.layout.Dir),
			Getenv: a.getenv,
			Trust:  stores,
			Flatpak: func() []trust.FlatpakBrowser {
				return trust.FlatpakBrowsers(a.newTrustEnv(false))
			},
			Compose: func(ctx context.Context) (doctor.ComposeUse, error) {
				u, err := compose.InUse(ctx, p.layout.Root, a.getenv)
				return doctor.ComposeUse(u), err
			},
			Git: run.ExecRunner(),
			WSL: a.wslDoctor(p, urls),
			Now: a.now(),
		}))
		stop()
	}
	if len(urls) > 0 {
		roots, err := x509.SystemCertPool()
		if err != nil {
			roots = x509.NewCertPool()
		}
		po := doctor.ProbeOptions{RootCAs: roots, PeerJS: o.peerjs, PeerKey: o.key, Origin: o.origin, Timeout: o.timeout, Now: a.now(),
			Project: projectCert(p), StoreRoots: a.storeRootsOnce()}
		if c, err := ca.LoadCert(p.caDir); err == nil {
			po.RTDevCA = c.Cert
			// The verdict per client family comes from the same store
			// reads as the store findings, so the two agree.
			stop := func() {}
			if !local { // else the local checks have read them
				stop = a.io.Progress("checking the trust stores")
			}
			st, err := stores(ctx, c)
			stop()
			if err == nil {
				po.Clients = doctor.Clients(c, doctor.ClientOptions{GOOS: runtime.GOOS, Stores: st, Getenv: a.getenv, Layout: p.layout})
			}
		}
		for _, u := range urls {
			stop := a.io.Progress("probing " + u)
			sections = append(sections, doctor.Probe(ctx, u, po))
			stop()
		}
	}
	rep := doctor.NewReport(sections...)
	if o.json {
		if err := writeJSON(a.io.Out, rep); err != nil {
			return err
		}
	} else {
		printDoctor(a, rep)
	}
	if rep.HasProblems() {
		return errProblemsFound
	}
	return nil
}

// storeStatusOnce reads every trust store, selected or not, once per run:
// the local checks and the probes both use it. Status only reads.
func (a *app) storeStatusOnce() doctor.TrustStatus {
	var (
		done bool
		st   doctor.StoreStatus
		err  error
	)
	return func(ctx context.Context, c *ca.CA) (doctor.StoreStatus, error) {
		if done {
			return st, err
		}
		done = true
		env := a.newTrustEnv(false)
		st.Selection, err = trust.SelectionFor("", env)
		if err != nil {
			err = usageErr(storeHint(env), "%v", err)
			return st, err
		}
		var stores []trust.Store
		if stores, err = trust.Stores(env, c, nil); err != nil {
			return st, err
		}
		st.Results = []trust.Result{}
		for _, s := range stores {
			st.Results = append(st.Results, s.Status(ctx)...)
		}
		return st, nil
	}
}

// projectCert is the project's certificate for the probes, with its files
// as the user knows them; nil when there is none.
func projectCert(p *projectCtx) *doctor.ProjectCert {
	leaf, err := ca.LoadLeaf(p.layout.Cert, "")
	if err != nil {
		return nil
	}
	return &doctor.ProjectCert{Cert: leaf.Cert, CertFile: p.relPath(p.layout.Cert), KeyFile: p.relPath(p.layout.Key)}
}

// storeRootsOnce reads the CAs the browsers' stores trust, once per run
// and only when a probed chain from a CA that is not rtdev's needs them; a
// store it cannot read adds nothing.
func (a *app) storeRootsOnce() func(context.Context) []trust.Root {
	var (
		done  bool
		roots []trust.Root
	)
	return func(ctx context.Context) []trust.Root {
		if !done {
			done = true
			roots, _ = trust.NSSRoots(ctx, a.newTrustEnv(false))
		}
		return roots
	}
}

// isProject reports whether the folder has rtdev state to check, so
// `rtdev doctor https://somewhere` run elsewhere checks only the URL.
func isProject(p *projectCtx) bool {
	if p.configExists {
		return true
	}
	_, err := os.Stat(p.layout.Dir)
	return err == nil
}

func printDoctor(a *app, rep doctor.Report) {
	st := a.io.StylesOut()
	w := a.io.Out
	for _, f := range rep.Findings {
		kind := map[doctor.Severity]string{
			doctor.SeverityOK: "ok", doctor.SeverityInfo: "info",
			doctor.SeverityWarn: "warn", doctor.SeverityError: "error",
		}[f.Severity]
		// A probed server names itself (certificate subject, SANs,
		// headers): every field is escaped before it reaches the terminal.
		fmt.Fprintf(w, "%s %s %s\n", st.Mark(kind), textsafe.Terminal(a.asRun(f.Message)), st.Muted.Render("["+f.ID+"]"))
		if f.Severity.Problem() && f.Subject != "" {
			fmt.Fprintf(w, "    %s\n", st.Muted.Render(textsafe.Terminal(f.Subject)))
		}
		if f.Fix != "" && f.Severity.Problem() {
			fmt.Fprintf(w, "    %s %s\n", st.Hint.Render("fix:"), st.Code.Render(textsafe.Terminal(a.asRun(f.Fix))))
		}
	}
	if rep.Problems == 0 {
		fmt.Fprintf(w, "\n%s\n", st.OK.Render("no problems found"))
		return
	}
	noun := "problems"
	if rep.Problems == 1 {
		noun = "problem"
	}
	fmt.Fprintf(w, "\n%s\n", st.Error.Render(fmt.Sprintf("%d %s found", rep.Problems, noun)))
}

// isOrigin reports whether s is a page origin as a browser sends it:
// http:// or https://, a host, an optional port, nothing after (a trailing
// slash aside). Anything else would be compared with the server's
// Access-Control-Allow-Origin and sent on upgrades as no browser sends it.
func isOrigin(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		u.User == nil && (u.Path == "" || u.Path == "/") && u.RawQuery == "" && u.Fragment == ""
}
