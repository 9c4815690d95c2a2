package cmd

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/internal/run"
	"github.com/rtdev/rtdev/project"
	"github.com/rtdev/rtdev/templates"
	"github.com/rtdev/rtdev/trust"
)

type initOptions struct {
	hosts         []string
	noTrust       bool
	yes           bool
	rsa           bool
	json          bool
	unconstrained bool
	onboarding    bool
	pin           string
}

func newCmdInit(a *app) *cobra.Command {
	o := &initOptions{}
	c := &cobra.Command{
		Use:   "init",
		Short: "Set up this project: CA, certificate set in .rtdev/, rtdev.toml, trust",
		Long: `Set up the project in this folder (or the nearest parent holding rtdev.toml).

init is safe to run again: with nothing changed it changes nothing. It creates
or loads your CA, issues the project certificate into .rtdev/ for localhost,
127.0.0.1, ::1, this machine's name and LAN addresses, the names containers
use for this machine (host.docker.internal, host.containers.internal,
gateway.docker.internal, *.rtdev.internal) and the hosts in rtdev.toml, reissues it when those names change or a third of its life
is left, writes rtdev.toml when missing and adds .rtdev/ to .gitignore.`,
		Example: `  rtdev init
  rtdev init --host myapp.test --host 192.168.1.50
  rtdev init --rsa        # Create React App needs an RSA key
  rtdev init --json | jq .leaf.names`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runInit(cmd.Context(), a, o) },
	}
	f := c.Flags()
	f.StringArrayVar(&o.hosts, "host", nil, "extra `NAME` or address for the certificate (repeatable; saved in rtdev.toml)")
	f.BoolVar(&o.noTrust, "no-trust", false, "do not install the CA into the trust stores")
	f.BoolVarP(&o.yes, "yes", "y", false, "never prompt (for scripts); fail with the command to run instead")
	f.BoolVar(&o.rsa, "rsa", false, "use an RSA-2048 key for the project certificate (saved in rtdev.toml)")
	f.BoolVar(&o.json, "json", false, "print what was done as JSON on stdout")
	f.BoolVar(&o.unconstrained, "unconstrained", false, "create the CA without name constraints (only when no CA exists yet)")
	f.BoolVar(&o.onboarding, "onboarding-script", false, "also write scripts/rtdev-onboard.sh, the team's setup script")
	f.StringVar(&o.pin, "pin", "", "the rtdev `VERSION` the onboarding script installs (default: this release; needed by a development build)")
	return c
}

// initReport is `rtdev init --json`. Its fields are documented in the README.
type initReport struct {
	Project       string     `json:"project"`
	Config        string     `json:"config"`
	ConfigWritten bool       `json:"config_written"`
	CA            caReport   `json:"ca"`
	Leaf          leafReport `json:"leaf"`
	LeftOut       []leftOut  `json:"left_out"`
	// Notices are the settings the committed-file rule left out, each
	// with the flag or rtdev.local.toml setting that asks for it.
	Notices          []project.Notice `json:"notices"`
	Written          []string         `json:"written"`
	GitignoreUpdated bool             `json:"gitignore_updated"`
	Trust            []trust.Result   `json:"trust"`
	Snippets         []snippetEntry   `json:"snippets"`
	OnboardingScript string           `json:"onboarding_script,omitempty"`
}

type caReport struct {
	Dir         string `json:"dir"`
	Fingerprint string `json:"fingerprint_sha256"`
	Created     bool   `json:"created"`
	// Widened is what a CA created by this run covers beyond the built-in
	// private names and ranges, and which host asked for it.
	Widened []ca.Widening `json:"widened"`
}

type leafReport struct {
	Action   string    `json:"action"`
	Reason   string    `json:"reason,omitempty"`
	Names    []string  `json:"names"`
	KeyType  string    `json:"key_type"`
	NotAfter time.Time `json:"not_after"`
	Cert     string    `json:"cert"`
	Key      string    `json:"key"`
}

type leftOut struct {
	Host   string `json:"host"`
	Source string `json:"source"`
	Reason string `json:"reason"`
}

func runInit(ctx context.Context, a *app, o *initOptions) error {
	// Before any work, so a refused script leaves nothing half done.
	pin := ""
	if o.onboarding {
		var err error
		if pin, err = onboardPin(o.pin); err != nil {
			return err
		}
	} else if o.pin != "" {
		return usageErr("add --onboarding-script", "--pin sets the version the onboarding script installs")
	}
	if err := checkHostFlags(o.hosts); err != nil {
		return err
	}
	p, err := a.loadProject()
	if err != nil {
		return err
	}
	out := a.newStatus(o.json)
	rep := initReport{Project: p.layout.Root, Config: p.layout.ConfigFile}
	if p.container != "" {
		return a.initBorrowed(p, o, out, rep)
	}

	detected, err := templates.Detect(p.layout.Root)
	if err != nil {
		return err
	}
	rsaFor := ""
	for _, d := range detected {
		if d.RequiresRSA && !o.rsa && p.config.KeyType != "rsa" {
			o.rsa, rsaFor = true, d.Target
		}
		// A new rtdev.toml lists what was found; an existing one is the team's.
		if !p.configExists && !slices.Contains(p.config.Targets, d.Target) {
			p.config.Targets = append(p.config.Targets, d.Target)
		}
	}
	save := applyInitFlags(p, o, &rep)
	if err := a.confirmWidening(p, o); err != nil {
		return err
	}
	rep.Notices = append([]project.Notice{}, p.settings.Notices...)
	p.notices(out)
	res, err := project.Ensure(project.EnsureOptions{
		Layout: p.layout,
		Config: p.config,
		CADir:  p.caDir,
		System: a.hostSystem(ctx, p.layout.Dir),
		// Also in Config.Hosts (saved after a successful issue); passed
		// as typed so they are held to the --host rules, not rtdev.toml's.
		FlagHosts:     o.hosts,
		Owner:         owner(),
		Unconstrained: o.unconstrained,
		Now:           a.now(),
	})
	if err != nil {
		return flagHostError(err, o.hosts)
	}
	if err := save(); err != nil {
		return err
	}
	fillEnsureReport(&rep, p, res)
	reportEnsure(out, p, res)
	if rep.ConfigWritten {
		out.line("ok", "wrote %s", p.relPath(p.layout.ConfigFile))
	}
	if tracked := project.CheckGit(ctx, run.ExecRunner(), p.layout).TrackedIn(); len(tracked) > 0 {
		// .gitignore does not untrack what was committed before it.
		out.line("warn", "git tracks %s: a private key must never be committed", strings.Join(tracked, ", "))
		out.detail("fix: git rm -r --cached %s && git commit -m 'stop tracking rtdev keys', then rm -r %s && rtdev init for a new key", project.DirName, project.DirName)
	}

	if rsaFor != "" {
		out.line("ok", "switched the project to an RSA key: %s needs one (key_type = \"rsa\" in rtdev.toml)", rsaFor)
	}
	if err := refreshBundle(p, out); err != nil {
		return err
	}
	rep.Snippets, err = writeInitSnippets(p, detected, out)
	if err != nil {
		return err
	}
	if o.onboarding {
		path, changed, err := writeOnboardScript(p, pin)
		if err != nil {
			return err
		}
		rep.OnboardingScript = path
		if changed {
			out.line("ok", "wrote %s: commit it with rtdev.toml; new developers run it once", p.relPath(path))
		}
	}
	if err := initAdapter(p, out); err != nil {
		return err
	}
	rep.Trust, err = a.initTrust(ctx, res.CA, o, out)
	if err != nil {
		return err
	}
	suggestCompose(p, out)

	if o.json {
		return writeJSON(a.io.Out, rep)
	}
	out.next("rtdev serve", fmt.Sprintf("then open https://localhost:%d%s", p.config.Serve.Port, project.PagePrefix))
	return nil
}

// applyInitFlags folds --host and --rsa into the project settings and
// returns the function that saves them in rtdev.toml (writing it when
// missing). It is called only after the certificate was issued, so a name
// that cannot be issued is never saved.
func applyInitFlags(p *projectCtx, o *initOptions, rep *initReport) (save func() error) {
	cfg := &p.config
	var added []string
	for _, h := range o.hosts {
		if !slices.Contains(cfg.Hosts, h) {
			cfg.Hosts = append(cfg.Hosts, h)
			added = append(added, h)
		}
	}
	rsaChanged := o.rsa && cfg.KeyType != "rsa"
	if o.rsa {
		cfg.KeyType = "rsa"
	}
	return func() error {
		if !p.configExists {
			if err := project.WriteNewConfig(p.layout.ConfigFile, *cfg); err != nil {
				return err
			}
			p.configExists, rep.ConfigWritten = true, true
			return nil
		}
		if len(added) > 0 {
			if err := project.SetHosts(p.layout.ConfigFile, cfg.Hosts); err != nil {
				return err
			}
		}
		if rsaChanged {
			return project.SetKeyType(p.layout.ConfigFile, "rsa")
		}
		return nil
	}
}

// checkHostFlags refuses a --host that is no name at all, before init
// loads or writes anything. Whether the CA may issue for it is Ensure's
// call, made with the CA in hand.
func checkHostFlags(hosts []string) error {
	for _, h := range hosts {
		if strings.TrimSpace(h) == "" {
			return usageErr("pass a name such as --host myapp.test", "--host needs a non-empty name")
		}
		if _, err := ca.ParseName(h); err != nil {
			return usageErr("pass a DNS name, *.wildcard or IP address, such as --host myapp.test", "--host %q: %v", h, err)
		}
	}
	return nil
}

// flagHostError turns a refusal of a --host name into a usage error (exit 2).
func flagHostError(err error, hosts []string) error {
	var we *ca.WideningError
	if errors.As(err, &we) {
		return usageIf[*ca.WideningError](err)
	}
	var ce *ca.ConstraintError
	if !errors.As(err, &ce) {
		return err
	}
	for _, h := range hosts {
		if n, perr := ca.ParseName(h); perr == nil && n.Value == ce.Name.Value {
			return usageIf[*ca.ConstraintError](err)
		}
	}
	return err
}

func fillEnsureReport(rep *initReport, p *projectCtx, res *project.EnsureResult) {
	rep.CA = caReport{Dir: res.CA.Dir, Fingerprint: res.CA.Fingerprint(), Created: res.CACreated, Widened: append([]ca.Widening{}, res.Widened...)}
	rep.Leaf = leafReport{
		Action:   res.LeafAction,
		Reason:   res.Reason,
		Names:    nameStrings(res.Names),
		KeyType:  string(project.LeafKeyType(res.Leaf)),
		NotAfter: res.Leaf.Cert.NotAfter.UTC(),
		Cert:     p.layout.Cert,
		Key:      p.layout.Key,
	}
	rep.LeftOut = []leftOut{}
	for _, l := range res.LeftOut {
		rep.LeftOut = append(rep.LeftOut, leftOut{Host: l.Host.Name, Source: l.Host.Source, Reason: l.Err.Error()})
	}
	rep.Written = append([]string{}, res.Written...)
	rep.GitignoreUpdated = res.GitignoreUpdated
}

// reportEnsure prints what Ensure did, one line per fact.
func reportEnsure(out *status, p *projectCtx, res *project.EnsureResult) {
	fp := res.CA.Fingerprint()
	if res.CACreated {
		out.line("ok", "created your CA in %s (SHA-256 %s…)", res.CA.Dir, fp[:16])
		for _, w := range res.Widened {
			out.detail("your CA also covers %s because %s lists %s", w.Constraint, w.Origin, w.Host)
		}
	} else {
		out.line("ok", "using your CA in %s (SHA-256 %s…)", res.CA.Dir, fp[:16])
	}
	names := strings.Join(nameStrings(res.Names), ", ")
	switch res.LeafAction {
	case project.LeafIssued:
		out.line("ok", "issued %s for %s", p.relPath(p.layout.Cert), names)
	case project.LeafRenewed:
		out.line("ok", "renewed %s: %s", p.relPath(p.layout.Cert), res.Reason)
		out.detail("names: %s", names)
	default:
		out.line("ok", "%s is up to date (valid until %s)", p.relPath(p.layout.Cert), res.Leaf.Cert.NotAfter.Format("2006-01-02"))
	}
	reportLeftOut(out, res)
	if res.GitignoreUpdated {
		out.line("ok", "added /%s/ and /%s to %s", project.DirName, project.LocalConfigFileName, p.relPath(p.layout.GitIgnore))
	}
	if res.P12Password != "" && slices.Contains(res.Written, p.layout.P12) {
		// The file, not the password: a terminal's scrollback, a shared
		// screen or a CI log is no place for it.
		out.line("ok", "wrote %s for Java/.NET; its password is in %s", p.relPath(p.layout.P12), p.relPath(p.layout.P12Pass))
	}
}

// reportLeftOut warns about each host left out of the certificate, with
// the command that makes a CA which does cover it: once per CA and
// left-out set (project.LeftOutToSay), not on every run. --json lists
// them in its document instead and marks nothing.
func reportLeftOut(out *status, res *project.EnsureResult) {
	if out.quiet {
		return
	}
	// A mark that cannot be written only means the warning comes again.
	left, _ := project.LeftOutToSay(res.CA, res.LeftOut)
	for _, l := range left {
		out.line("warn", "left %s (%s) out of the certificate: %v", l.Host.Name, l.Host.Source, l.Err)
		var re *project.RefusedHostError
		var ce *ca.ConstraintError
		switch {
		case errors.As(l.Err, &re) && errors.As(l.Err, &ce):
			// The CA was just made without it, and a CA's constraints
			// are fixed when it is made: the fix is a second CA.
			out.detail("a committed file may name hosts but never widen your CA to the web; if this name is yours, a CA that covers it: %s", ce.Hint())
		case errors.As(l.Err, &re):
			out.detail("a committed file may name hosts but never widen your CA to the web")
		case errors.As(l.Err, &ce):
			// A CA's constraints are fixed at creation, and a public
			// address joins them only when typed as --host.
			out.detail("fix: a CA that covers it (its constraints are fixed when it is made): %s", ce.Hint())
		}
	}
}

func nameStrings(ns []ca.Name) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.Value
	}
	return out
}
