package cmd

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/internal/fsutil"
	"github.com/rtdev/rtdev/internal/run"
	"github.com/rtdev/rtdev/internal/shell"
	"github.com/rtdev/rtdev/project"
)

type certOptions struct {
	certFile string
	keyFile  string
	p12File  string
	client   bool
	rsa      bool
	validity string
	csr      string
	// unconstrained makes the CA, when cert has to create it, without
	// name constraints (as init --unconstrained).
	unconstrained bool
}

func newCmdCert(a *app) *cobra.Command {
	o := &certOptions{}
	c := &cobra.Command{
		Use:   "cert NAME...",
		Short: "Issue an extra certificate from your CA, mkcert-style",
		Long: `Issue a certificate for NAME... from your CA into the current folder, named as
mkcert names them: the first name, "+N" for N more names, "-client" for client
certificates (localhost+2.pem and localhost+2-key.pem).

A NAME is a DNS name (a leading "*." for a wildcard), an IPv4 or IPv6 address,
an email address or a URI. Every name must be one your CA permits. With no CA
yet, cert creates it first (as "rtdev init --no-trust" would), the NAMEs
widening it under the same rules as "rtdev init --host".`,
		Example: `  rtdev cert localhost 127.0.0.1 ::1
  rtdev cert --client --p12-file me.p12 me@example.test
  rtdev cert --rsa --validity 14d '*.app.localhost'
  rtdev cert --csr request.csr --cert-file signed.pem`,
		RunE: func(cmd *cobra.Command, args []string) error { return runCert(a, o, args) },
	}
	f := c.Flags()
	f.StringVar(&o.certFile, "cert-file", "", "write the certificate to `FILE`")
	f.StringVar(&o.keyFile, "key-file", "", "write the private key to `FILE` (0600)")
	f.StringVar(&o.p12File, "p12-file", "", "also write a PKCS#12 bundle to `FILE` (its password is printed)")
	f.BoolVar(&o.client, "client", false, "issue a client certificate (clientAuth)")
	f.BoolVar(&o.rsa, "rsa", false, "use an RSA-2048 key instead of ECDSA P-256")
	f.StringVar(&o.validity, "validity", "90d", "how long the certificate is valid: `DURATION` such as 14d, 90d, 1y (at most 825d)")
	f.StringVar(&o.csr, "csr", "", "sign the certificate request in `FILE` instead of making a key")
	f.BoolVar(&o.unconstrained, "unconstrained", false, "when there is no CA yet, create it without name constraints (it can then sign any name)")
	return c
}

func runCert(a *app, o *certOptions, args []string) error {
	help := `run "rtdev cert --help"`
	if o.csr == "" && len(args) == 0 {
		return usageErr("for example: rtdev cert localhost 127.0.0.1 ::1", "rtdev cert needs at least one NAME")
	}
	if o.csr != "" && (len(args) > 0 || o.keyFile != "" || o.p12File != "") {
		return usageErr(help, "--csr takes the names from the request: give no NAME, --key-file or --p12-file with it")
	}
	validity, err := ca.ParseValidity(o.validity)
	if err != nil {
		return usageErr("use a value such as --validity 14d, 90d or 1y (at most 825d)", "--validity: %v", err)
	}
	names, err := ca.ParseNames(args)
	if err != nil {
		return usageErr("a NAME is a DNS name, *.wildcard, IP address, email or URI", "%v", err)
	}
	// Read before certCA, which creates a CA when there is none: a
	// mistyped --csr path or a file that is no request must not leave a
	// new CA behind.
	var csrPEM []byte
	if o.csr != "" {
		if csrPEM, err = os.ReadFile(o.csr); err == nil {
			err = ca.CheckCSR(csrPEM)
		}
		if err != nil {
			return usageErr("pass the path of a PEM certificate request", "--csr: %v", err)
		}
	}
	authority, err := a.certCA(o, names)
	if err != nil {
		return err
	}
	kt := ca.ECDSA
	if o.rsa {
		kt = ca.RSA
	}
	opts := ca.LeafOptions{Names: names, KeyType: kt, Validity: validity, Client: o.client, Now: a.now()}
	var leaf *ca.Leaf
	if o.csr != "" {
		leaf, err = authority.SignCSR(csrPEM, opts)
	} else {
		leaf, err = authority.Issue(opts)
	}
	if err != nil {
		return usageIf[*ca.ConstraintError](err)
	}
	return writeCertFiles(a, o, leaf, authority)
}

// certCA loads the CA or, when there is none, creates it as mkcert users
// expect: the DNS names and addresses asked for become constraints under
// the --host rules (ca.PlanConstraints), and the user is told.
func (a *app) certCA(o *certOptions, names []ca.Name) (*ca.CA, error) {
	dir, err := a.caDir()
	if err != nil {
		return nil, err
	}
	co := ca.CreateOptions{Owner: owner(), Unconstrained: o.unconstrained, Now: a.now()}
	if hn, err := project.OSSystem().Hostname(); err == nil {
		co.Hostname = strings.TrimSuffix(strings.ToLower(hn), ".")
	}
	for _, n := range names {
		if n.Kind == ca.KindDNS || n.Kind == ca.KindIP {
			co.Hosts = append(co.Hosts, ca.HostRequest{Name: n.Value, Origin: ca.OriginFlag})
		}
	}
	authority, created, err := ca.LoadOrCreate(dir, co)
	if err != nil {
		return nil, usageIf[*ca.WideningError](err)
	}
	if created {
		out := a.newStatus(false)
		out.line("ok", "no CA yet: created your CA in %s (SHA-256 %s…)", dir, authority.Fingerprint()[:16])
		if plan, err := ca.PlanConstraints(co); err == nil && !o.unconstrained {
			for _, w := range plan.Widened {
				out.detail("your CA also covers %s because you asked for %s", w.Constraint, w.Host)
			}
		}
		out.detail("trust is not installed: run rtdev trust install")
	}
	return authority, nil
}

func writeCertFiles(a *app, o *certOptions, leaf *ca.Leaf, authority *ca.CA) error {
	out := a.newStatus(false)
	base := certBaseName(leaf.Names(), o.client)
	certFile, keyFile := o.certFile, o.keyFile
	if certFile == "" {
		certFile = base + ".pem"
	}
	if keyFile == "" {
		keyFile = base + "-key.pem"
	}
	if leaf.KeyPEM != nil && certFile == keyFile {
		// mkcert writes both into one file when they are named the same;
		// that file holds the key, so it is private.
		if err := fsutil.WriteFileAtomic(certFile, append(append([]byte{}, leaf.CertPEM...), leaf.KeyPEM...), 0o600); err != nil {
			return err
		}
	} else {
		if leaf.KeyPEM != nil {
			if err := fsutil.WriteFileAtomic(keyFile, leaf.KeyPEM, 0o600); err != nil {
				return err
			}
		}
		if err := fsutil.WriteFileAtomic(certFile, leaf.CertPEM, 0o644); err != nil {
			return err
		}
	}
	out.line("ok", "issued %s for %s (valid until %s)", certFile, strings.Join(nameStrings(leaf.Names()), ", "), leaf.Cert.NotAfter.Format("2006-01-02"))
	if leaf.KeyPEM != nil && certFile != keyFile {
		out.detail("key: %s", keyFile)
	}
	if o.p12File != "" {
		pass := ca.NewPassword()
		p12, err := leaf.PKCS12(authority.Cert, pass)
		if err != nil {
			return err
		}
		if err := fsutil.WriteFileAtomic(o.p12File, p12, 0o600); err != nil {
			return err
		}
		out.line("ok", "wrote %s, password: %s", o.p12File, pass)
	}
	if leaf.KeyPEM != nil && project.GitNotIgnored(context.Background(), run.ExecRunner(), keyFile) {
		out.line("warn", "%s is in a git work tree and not ignored: a key must never be committed", keyFile)
		out.detail("fix: echo %s >> .gitignore", shell.Quote(filepath.Base(keyFile)))
	}
	return nil
}

// certBaseName is mkcert's naming: the first name with ":" as "_" and "*"
// as "_wildcard", "+N" for N more names, "-client" for client certs.
func certBaseName(names []ca.Name, client bool) string {
	if len(names) == 0 {
		return "cert"
	}
	base := strings.ReplaceAll(names[0].Value, ":", "_")
	base = strings.ReplaceAll(base, "*", "_wildcard")
	base = strings.ReplaceAll(base, "/", "_") // a URI must not make folders
	if len(names) > 1 {
		base += "+" + strconv.Itoa(len(names)-1)
	}
	if client {
		base += "-client"
	}
	return base
}
