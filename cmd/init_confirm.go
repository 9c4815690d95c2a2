package cmd

import (
	"bufio"
	"errors"
	"fmt"
	"strings"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/internal/shell"
	"github.com/rtdev/rtdev/project"
)

// publicHosts says what the typed --host values would let a new CA issue
// for on the public web: a domain outside the private-use names, with
// every name below it, or a public address. Names a CA cannot take at all
// are left to PlanConstraints, which refuses them with the reason.
func publicHosts(hosts []string) []string {
	var out []string
	for _, h := range hosts {
		n, err := ca.ParseName(h)
		if err != nil {
			continue
		}
		switch n.Kind {
		case ca.KindDNS:
			d := strings.TrimPrefix(n.Value, "*.")
			if !project.UnderPrivateUse(d) && ca.WideningReason(d) == "" {
				out = append(out, d+" and every name below it")
			}
		case ca.KindIP:
			if !ca.IsPrivateAddr(n.IP) {
				out = append(out, n.Value)
			}
		}
	}
	return out
}

// confirmWidening asks before a new CA is made to cover a public domain or
// address typed as --host: such a CA, trusted by this machine, can issue
// a certificate your browser accepts for that site. --yes is the typed
// answer; without a terminal and without --yes, it refuses with the
// command that confirms.
func (a *app) confirmWidening(p *projectCtx, o *initOptions) error {
	public := publicHosts(o.hosts)
	if len(public) == 0 || o.unconstrained {
		return nil
	}
	if _, err := ca.LoadCert(p.caDir); !errors.Is(err, ca.ErrNotFound) {
		return nil // an existing CA is never widened; Ensure says what it permits
	}
	what := fmt.Sprintf("your new CA will be able to issue certificates that this machine trusts for %s", strings.Join(public, ", "))
	if o.yes {
		a.newStatus(o.json).line("warn", "%s (confirmed with --yes)", what)
		return nil
	}
	if !a.io.CanPrompt() {
		fix := a.cmdline(append(append([]string{"init"}, hostArgs(o.hosts)...), "--yes")...)
		if a.getenv("RTDEV_CAROOT") != "" {
			fix = "RTDEV_CAROOT=" + shell.Quote(p.caDir) + " " + fix
		}
		return usageErr(fix, "%s: confirm with --yes", what)
	}
	fmt.Fprintf(a.io.ErrOut, "%s.\nCreate it? [y/N] ", what)
	line, _ := bufio.NewReader(a.io.In).ReadString('\n')
	if ans := strings.ToLower(strings.TrimSpace(line)); ans != "y" && ans != "yes" {
		return &exitErr{code: exitError, err: errors.New("no CA created: you answered no"),
			hint: "for a name of your own without widening the CA, use one under .test, such as --host app.test"}
	}
	return nil
}

func hostArgs(hosts []string) []string {
	var out []string
	for _, h := range hosts {
		out = append(out, "--host", h)
	}
	return out
}
