package cmd

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/rtdev/rtdev/project"
	"github.com/rtdev/rtdev/templates"
)

type envOptions struct {
	shell string
	json  bool
}

func newCmdEnv(a *app) *cobra.Command {
	o := &envOptions{}
	c := &cobra.Command{
		Use:   "env",
		Short: "Print shell exports so Node, Python, curl, Deno and Java trust your CA",
		Long: `Print the environment variables that make runtimes trust your CA for this
project: NODE_EXTRA_CA_CERTS and DENO_CERT add the CA; SSL_CERT_FILE,
REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE point at .rtdev/ca-bundle.pem, the
system roots plus your CA (never the CA alone, which would break every public
site). env refreshes that bundle first.`,
		Example: `  eval "$(rtdev env)"
  rtdev env --shell fish | source
  rtdev env --shell powershell | Invoke-Expression`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return runEnv(a, o) },
	}
	c.Flags().StringVar(&o.shell, "shell", "sh", "`SHELL` syntax: sh (bash, zsh), fish or powershell")
	c.Flags().BoolVar(&o.json, "json", false, "print the variables as JSON")
	return c
}

func runEnv(a *app, o *envOptions) error {
	// Before the bundle is refreshed, so a typo'd shell changes nothing.
	if err := templates.CheckShell(o.shell); err != nil {
		return usageIf[*templates.UnknownShellError](err)
	}
	p, err := a.loadProject()
	if err != nil {
		return err
	}
	if err := refreshBundle(p, a.newStatus(false)); err != nil {
		return err
	}
	data, err := snippetData(p, false, false)
	if err != nil {
		return err
	}
	if o.json {
		vars, err := templates.EnvVars(data)
		if err != nil {
			return err
		}
		return writeJSON(a.io.Out, vars)
	}
	text, err := templates.RenderEnv(o.shell, data)
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(a.io.Out, text)
	return err
}

// refreshBundle rewrites .rtdev/ca-bundle.pem when the system roots or the
// CA changed; it needs the project's certificate set.
func refreshBundle(p *projectCtx, out *status) error {
	caPEM, err := readProjectCA(p)
	if err != nil {
		return err
	}
	changed, source, err := project.WriteBundle(p.layout, caPEM, project.SystemBundles)
	if errors.Is(err, project.ErrNoSystemBundle) {
		out.line("warn", "no system CA bundle found: SSL_CERT_FILE and friends are left out")
		return nil
	}
	if err != nil {
		return err
	}
	if changed {
		out.line("ok", "updated %s (roots from %s + your CA)", p.relPath(p.layout.Bundle), source)
	}
	return nil
}
