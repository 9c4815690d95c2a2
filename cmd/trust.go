package cmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/trust"
)

type trustOptions struct {
	stores string
	json   bool
	yes    bool
}

func newCmdTrust(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "trust",
		Short: "Install, check or remove your CA in the trust stores (" + strings.Join(trust.Registered(), ", ") + ")",
		Long:  trustLong(),
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	for _, action := range []string{"install", "uninstall", "status"} {
		c.AddCommand(newCmdTrustAction(a, action))
	}
	return c
}

// trustLong is rtdev trust's help: one line per store rtdev knows.
func trustLong() string {
	var b strings.Builder
	b.WriteString("Manage where your CA is trusted. Each store gets its own line in the result:\n\n")
	for _, s := range trust.About() {
		fmt.Fprintf(&b, "  %-7s %s\n", s[0], s[1])
	}
	b.WriteString("\nChoose stores with --store " + strings.Join(trust.Registered(), ",") + " or RTDEV_TRUST_STORES (none skips\nthem all). uninstall removes exactly what rtdev added.")
	return b.String()
}

func newCmdTrustAction(a *app, action string) *cobra.Command {
	o := &trustOptions{}
	short := map[string]string{
		"install":   "Install your CA into the trust stores",
		"uninstall": "Remove your CA from the trust stores (keeps the CA itself)",
		"status":    "Check each store for your CA (exit 3 when one lacks it)",
	}[action]
	c := &cobra.Command{
		Use:   action,
		Short: short,
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runTrustCmd(cmd.Context(), a, o, action)
		},
	}
	c.Flags().StringVar(&o.stores, "store", "", "comma list of the stores to use (default: all, or RTDEV_TRUST_STORES); rtdev trust --help lists them")
	c.Flags().BoolVar(&o.json, "json", false, "print the per-store results as JSON on stdout")
	if action != "status" {
		c.Flags().BoolVarP(&o.yes, "yes", "y", false, "never prompt for a password; fail with the command to run instead")
	}
	return c
}

func runTrustCmd(ctx context.Context, a *app, o *trustOptions, action string) error {
	// Before the CA is loaded: a typo'd store is named as one even
	// before "rtdev init".
	env := a.newTrustEnv(false)
	if _, err := trust.SelectionFor(o.stores, env); err != nil {
		return usageErr(storeHint(env), "%v", err)
	}
	authority, err := a.loadCA(ca.LoadCert)
	if err != nil {
		return err
	}
	results, err := a.trustAction(ctx, authority, action, o.stores, !o.yes)
	if err != nil {
		return err
	}
	if o.json {
		if err := writeJSON(a.io.Out, trustReport{Action: action, CA: authority.Fingerprint(), Results: results}); err != nil {
			return err
		}
	} else {
		printTrustResults(a, results)
	}
	return trustExit(action, results)
}

// trustReport is `rtdev trust ... --json`.
type trustReport struct {
	Action  string         `json:"action"`
	CA      string         `json:"ca_fingerprint_sha256"`
	Results []trust.Result `json:"results"`
}

// storeHint is how to name stores right, for --store and
// RTDEV_TRUST_STORES: the stores this environment has.
func storeHint(env trust.Env) string {
	names := trust.Names(env)
	list := names[len(names)-1]
	if len(names) > 1 {
		list = strings.Join(names[:len(names)-1], ", ") + " and " + list
	}
	return fmt.Sprintf("choose from %s, or none, e.g. --store %s", list, trust.StoreNSS)
}

// trustAction runs install, uninstall or status on the selected stores.
// canPrompt is false with --yes; it is also false when stdin is no terminal.
func (a *app) trustAction(ctx context.Context, authority *ca.CA, action, storeFlag string, canPrompt bool) ([]trust.Result, error) {
	env := a.newTrustEnv(canPrompt && a.io.CanPrompt())
	// The spinner would draw over sudo's password prompt, so the stores
	// stop it before any command that may prompt (stop is idempotent).
	stop := func() {}
	env.BeforePrompt = func() { stop() }
	// --yes: nobody may be watching for a Windows dialog (trust.ConfirmError).
	env.Unattended = !canPrompt
	env.BeforeDialog = func(what string) {
		stop()
		fmt.Fprintf(a.io.ErrOut, "%s %s\n", a.io.StylesErr().Mark("info"), what)
	}
	sel, err := trust.SelectionFor(storeFlag, env)
	if err != nil {
		return nil, usageErr(storeHint(env), "%v", err)
	}
	stores, err := trust.Stores(env, authority, sel)
	if err != nil {
		if errors.Is(err, trust.ErrUnknownStore) {
			return nil, usageErr(storeHint(env), "%v", err)
		}
		return nil, err
	}
	if len(stores) > 0 && action != "status" {
		stop = a.io.Progress(fmt.Sprintf("%s: %s", action, storeNames(stores)))
		defer stop()
	}
	results := []trust.Result{}
	for _, s := range stores {
		switch action {
		case "install":
			results = append(results, s.Install(ctx)...)
		case "uninstall":
			results = append(results, s.Uninstall(ctx)...)
		default:
			results = append(results, s.Status(ctx)...)
		}
	}
	return results, nil
}

// newTrustEnv is the trust stores' view of this machine, reading the
// variables through a.getenv.
func (a *app) newTrustEnv(canPrompt bool) trust.Env {
	newEnv := a.trustEnv
	if newEnv == nil {
		newEnv = trust.NewEnv
	}
	env := newEnv(canPrompt)
	env.Getenv = a.getenv
	return env
}

func storeNames(stores []trust.Store) string {
	names := make([]string, len(stores))
	for i, s := range stores {
		names[i] = s.Name()
	}
	return strings.Join(names, ", ")
}

// trustExit: status exits 3 when an enabled store lacks the CA; install and
// uninstall exit 1 when a store failed (the table already says which and
// the command to run by hand).
func trustExit(action string, results []trust.Result) error {
	for _, r := range results {
		if action == "status" && r.Problem() {
			return errProblemsFound
		}
		if action != "status" && r.State == trust.Failed {
			return &exitErr{code: exitError, err: fmt.Errorf("%s: could not %s in %s", r.Store, action, r.Location), hint: hintFor(r)}
		}
	}
	return nil
}

func hintFor(r trust.Result) string {
	var nr *trust.NeedsRootError
	if r.Command != "" && errors.As(r.Err, &nr) && nr.NoSudo {
		// Without sudo the command carries none; it works from a root shell.
		return "run as root: " + r.Command
	}
	if r.Command != "" {
		return "run by hand: " + r.Command
	}
	var h hinter
	if errors.As(r.Err, &h) {
		return h.Hint()
	}
	return "run \"rtdev doctor\" for details"
}

// printTrustResults draws one row per store location, then the restart note.
func printTrustResults(a *app, results []trust.Result) {
	st := a.io.StylesErr()
	if len(results) == 0 {
		fmt.Fprintf(a.io.ErrOut, "%s no trust stores selected (RTDEV_TRUST_STORES or --store)\n", st.Mark("info"))
		return
	}
	rows := make([][]string, 0, len(results))
	for _, r := range results {
		note := r.Reason
		if r.Command != "" && r.State != trust.Installed && r.State != trust.Already && r.State != trust.Removed {
			note = strings.TrimSpace(note + " — run: " + a.asRun(r.Command))
		}
		rows = append(rows, []string{r.Store, stateMark(st.Mark, r.State), r.Location, note})
	}
	fmt.Fprint(a.io.ErrOut, st.Table([]string{"store", "state", "location", "note"}, rows))
	if trust.RestartNeeded(results) {
		fmt.Fprintf(a.io.ErrOut, "%s restart Chrome and Firefox so they read the changed store\n", st.Mark("warn"))
	}
}

func stateMark(mark func(string) string, s trust.State) string {
	switch s {
	case trust.Installed, trust.Already, trust.Removed:
		return mark("ok") + " " + string(s)
	case trust.Missing, trust.Failed, trust.Declined:
		return mark("error") + " " + string(s)
	default:
		return mark("info") + " " + string(s)
	}
}

// initTrust installs the CA into the selected stores unless --no-trust.
// A store that fails does not fail init (the certificate set is there and
// usable): it is a warning with the command to run by hand, and
// `rtdev doctor` keeps reporting it.
func (a *app) initTrust(ctx context.Context, authority *ca.CA, o *initOptions, out *status) ([]trust.Result, error) {
	if o.noTrust {
		out.line("info", "trust: skipped (--no-trust); run rtdev trust install when you want it")
		return []trust.Result{}, nil
	}
	results, err := a.trustAction(ctx, authority, "install", "", !o.yes)
	if err != nil {
		return nil, err
	}
	if len(results) == 0 {
		out.line("info", "trust: no stores selected (RTDEV_TRUST_STORES=%s)", a.getenv(trust.EnvStores))
	}
	for _, r := range results {
		switch {
		case r.State == trust.Installed:
			out.line("ok", "trusted in %s (%s)", r.Store, r.Location)
		case r.State == trust.Already:
			// The progress line ("install: nss…") needs its result here
			// too, or a second init seems to stop halfway.
			out.line("ok", "already trusted in %s (%s)", r.Store, r.Location)
		case r.Problem():
			out.line("warn", "could not install into %s (%s): %s", r.Store, r.Location, r.Reason)
			if h := hintFor(r); h != "" {
				out.detail("%s", h)
			}
		default:
			out.line("info", "%s %s: %s", r.Store, r.State, r.Reason)
		}
	}
	if trust.RestartNeeded(results) {
		out.line("warn", "restart Chrome and Firefox so they read the new CA")
	}
	return results, nil
}
