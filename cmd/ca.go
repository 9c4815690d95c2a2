package cmd

import (
	"context"
	"crypto/ecdsa"
	"crypto/rsa"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/trust"
)

func newCmdCA(a *app) *cobra.Command {
	c := &cobra.Command{
		Use:   "ca",
		Short: "Show your CA: info, path",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	c.AddCommand(newCmdCAInfo(a), newCmdCAPath(a))
	return c
}

func newCmdCAPath(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "path",
		Short: "Print the folder that holds your CA (RTDEV_CAROOT overrides it)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			dir, err := a.caDir()
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(a.io.Out, dir)
			return err
		},
	}
}

type caInfoOptions struct{ json bool }

// caInfo is `rtdev ca info --json`.
type caInfo struct {
	Dir         string          `json:"dir"`
	Cert        string          `json:"cert"`
	Subject     string          `json:"subject"`
	Fingerprint string          `json:"fingerprint_sha256"`
	KeyType     string          `json:"key_type"`
	NotBefore   time.Time       `json:"not_before"`
	NotAfter    time.Time       `json:"not_after"`
	Constraints caConstraintsJS `json:"constraints"`
	Trust       []trust.Result  `json:"trust"`
}

type caConstraintsJS struct {
	Constrained bool     `json:"constrained"`
	Critical    bool     `json:"critical"`
	DNS         []string `json:"dns"`
	IP          []string `json:"ip"`
	// Beyond lists the constraints past the built-in private names and
	// ranges: what --host, rtdev.toml or the hostname added at creation.
	Beyond []string `json:"beyond_builtin"`
}

func newCmdCAInfo(a *app) *cobra.Command {
	o := &caInfoOptions{}
	c := &cobra.Command{
		Use:   "info",
		Short: "Show your CA's subject, fingerprint, key, validity and name constraints",
		Args:  noArgs,
		RunE:  func(cmd *cobra.Command, args []string) error { return runCAInfo(cmd.Context(), a, o) },
	}
	c.Flags().BoolVar(&o.json, "json", false, "print as JSON on stdout")
	return c
}

func runCAInfo(ctx context.Context, a *app, o *caInfoOptions) error {
	c, err := a.loadCA(ca.LoadCert)
	if err != nil {
		return err
	}
	cons := c.Constraints()
	info := caInfo{
		Dir:         c.Dir,
		Cert:        c.Dir + "/" + ca.CertFileName,
		Subject:     c.Cert.Subject.String(),
		Fingerprint: c.Fingerprint(),
		KeyType:     publicKeyType(c.Cert.PublicKey),
		NotBefore:   c.Cert.NotBefore.UTC(),
		NotAfter:    c.Cert.NotAfter.UTC(),
		Constraints: caConstraintsJS{Constrained: !cons.Unconstrained, Critical: cons.Critical, DNS: cons.DNS, IP: []string{}},
	}
	if info.Constraints.DNS == nil {
		info.Constraints.DNS = []string{}
	}
	for _, n := range cons.IPRanges {
		info.Constraints.IP = append(info.Constraints.IP, n.String())
	}
	info.Constraints.Beyond = beyondBuiltin(cons)
	info.Trust, err = a.trustAction(ctx, c, "status", "", false)
	if err != nil {
		return err
	}
	if o.json {
		return writeJSON(a.io.Out, info)
	}
	st := a.io.StylesOut()
	row := func(k, v string) { fmt.Fprintf(a.io.Out, "%-13s %s\n", st.Key.Render(k), v) }
	row("folder", info.Dir)
	row("subject", info.Subject)
	row("sha-256", info.Fingerprint)
	row("key", info.KeyType)
	row("valid", fmt.Sprintf("%s to %s", info.NotBefore.Format("2006-01-02"), info.NotAfter.Format("2006-01-02")))
	if cons.Unconstrained {
		row("constraints", st.Warn.Render("none: this CA can sign any name"))
	} else {
		row("permits dns", strings.Join(info.Constraints.DNS, " "))
		row("permits ip", strings.Join(info.Constraints.IP, " "))
		if len(info.Constraints.Beyond) > 0 {
			row("also covers", strings.Join(info.Constraints.Beyond, " ")+st.Muted.Render("  (beyond the built-in private names and ranges)"))
		}
	}
	for _, r := range info.Trust {
		state := string(r.State)
		if r.Problem() {
			state = st.Warn.Render(state)
		}
		row("trust "+r.Store, state+" "+st.Muted.Render(r.Location))
	}
	if len(info.Trust) == 0 {
		row("trust", st.Muted.Render("no stores selected (RTDEV_TRUST_STORES)"))
	}
	return nil
}

func publicKeyType(pub any) string {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		return "ECDSA " + k.Curve.Params().Name
	case *rsa.PublicKey:
		return fmt.Sprintf("RSA-%d", k.N.BitLen())
	}
	return fmt.Sprintf("%T", pub)
}

// beyondBuiltin lists a CA's constraints past the built-in private names
// and ranges, never nil (a JSON array).
func beyondBuiltin(k ca.Constraints) []string {
	dns, nets := k.Widenings()
	out := append([]string{}, dns...)
	for _, n := range nets {
		out = append(out, n.String())
	}
	return out
}
