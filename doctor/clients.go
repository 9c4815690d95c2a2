package doctor

import (
	"errors"
	"os"
	"slices"
	"strings"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/project"
	"github.com/rtdev/rtdev/templates"
	"github.com/rtdev/rtdev/trust"
)

// Client families, as they appear in messages and in the trusted_by and
// not_trusted_by details of a probe.
const (
	FamilyBrowsers = "browsers"
	FamilyOSTools  = "OS tools"
	FamilyRuntimes = "runtimes"
	FamilyJava     = "Java"
)

// ClientTrust says whether one family of clients trusts the rtdev CA, from
// the store (or the variables) those clients read. A live probe turns the
// families into its verdict on a certificate from the rtdev CA, so it
// agrees with the store findings instead of judging by the system store
// alone: on Linux, Chromium and Firefox read NSS, not the system store.
type ClientTrust struct {
	Family string
	// Clients names the programs, for messages.
	Clients string
	// Store is the trust store they read; "" for the runtime variables.
	Store   string
	Trusted bool
	// Selected: RTDEV_TRUST_STORES selects Store, so a family that does
	// not trust the CA is an error rather than information.
	Selected bool
	// Fix makes the family trust the CA.
	Fix string
	// Missing lists the store locations or variables without the CA.
	Missing []string
}

// ClientOptions is what Clients looks at.
type ClientOptions struct {
	// GOOS decides which store browsers read: NSS on Linux, the system
	// store on macOS and Windows.
	GOOS   string
	Stores StoreStatus
	// Getenv reads the runtime trust variables; nil is os.Getenv.
	Getenv func(string) string
	// Layout is the project whose files `rtdev env` points the variables at.
	Layout project.Layout
}

// Clients is each client family's trust in c, in the order browsers, OS
// tools, runtimes, Java. A family whose store does not apply here (Java
// with no JDK) is left out.
func Clients(c *ca.CA, o ClientOptions) []ClientTrust {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	browsers, names := trust.StoreNSS, "Chrome, Chromium and Firefox"
	switch o.GOOS {
	case "darwin":
		browsers, names = trust.StoreSystem, "Safari, Chrome and Edge"
	case "windows":
		// Firefox imports the OS's roots there (mkcert#653).
		browsers, names = trust.StoreSystem, "Chrome, Edge and Firefox"
	}
	var out []ClientTrust
	for _, f := range []ClientTrust{
		{Family: FamilyBrowsers, Clients: names, Store: browsers},
		{Family: FamilyOSTools, Clients: "curl, Go and Python's ssl", Store: trust.StoreSystem},
	} {
		out = append(out, storeClients(f, o.Stores))
	}
	out = append(out, runtimeClients(c, o))
	if j := storeClients(ClientTrust{Family: FamilyJava, Clients: "Java", Store: trust.StoreJava}, o.Stores); j.Fix != "" || j.Trusted {
		out = append(out, j)
	}
	return out
}

// storeClients judges a family by its store's results: it trusts the CA
// when at least one location has it and none lacks it (every NSS database
// is some browser's).
func storeClients(f ClientTrust, st StoreStatus) ClientTrust {
	f.Selected = st.Selected(f.Store)
	trusted, pre := 0, ""
	for _, r := range st.Results {
		if r.Store != f.Store {
			continue
		}
		switch r.State {
		case trust.Installed, trust.Already:
			trusted++
		case trust.Missing, trust.Failed:
			f.Missing = append(f.Missing, r.Location)
		case trust.Skipped:
			// certutil not installed: its install command comes first.
			var mt *trust.MissingToolError
			if errors.As(r.Err, &mt) && r.Command != "" && pre == "" {
				pre = r.Command + " && "
				f.Missing = append(f.Missing, r.Location)
			}
		}
	}
	f.Trusted = trusted > 0 && len(f.Missing) == 0
	if !f.Trusted && (len(f.Missing) > 0 || f.Family != FamilyJava) {
		f.Fix = pre + fixTrust + " --store " + f.Store
	}
	return f
}

// runtimeClients judges the variables of `rtdev env`: runtimes trust the
// CA when each one points at a file that holds it, as checkRuntime finds.
func runtimeClients(c *ca.CA, o ClientOptions) ClientTrust {
	f := ClientTrust{Family: FamilyRuntimes, Clients: "Node, Deno and Python requests", Fix: fixEnv}
	vars, err := templates.EnvVars(templates.LayoutData(o.Layout))
	if err != nil || c == nil {
		return f
	}
	ok := map[any]bool{}
	for _, rf := range checkRuntime(o.Getenv, o.Layout, c) {
		if rf.ID == IDRuntimeTrustOK {
			ok[rf.Details["variable"]] = true
		}
	}
	for _, v := range vars {
		if !v.Append && !ok[v.Name] {
			f.Missing = append(f.Missing, v.Name)
		}
	}
	if f.Trusted = len(f.Missing) == 0; f.Trusted {
		f.Fix = ""
	}
	return f
}

// clientVerdict is the probe's finding on a certificate from the user's
// rtdev CA, from the families in clients: an error when none trusts it or
// when one whose store RTDEV_TRUST_STORES selects does not, information
// when only families rtdev was told to leave alone do not, and nothing when
// all do (cert-ok says the rest).
func (p *prober) clientVerdict(clients []ClientTrust, details map[string]any) []Finding {
	var yes, yesNamed, no, fixes, parts []string
	var stores []string
	sev := SeverityInfo
	for _, f := range clients {
		if f.Trusted {
			yes = append(yes, f.Family)
			yesNamed = append(yesNamed, f.Family+" ("+f.Clients+")")
			continue
		}
		no = append(no, f.Family)
		if f.Selected {
			sev = SeverityError
		}
		parts = append(parts, f.Family+" ("+f.Clients+") do not (fix: "+f.Fix+")")
		// One trust install for every store; other fixes (installing
		// certutil, rtdev env) as they are.
		if plain, ok := strings.CutPrefix(f.Fix, fixTrust+" --store "); ok && f.Store != "" && plain == f.Store {
			if !slices.Contains(stores, f.Store) {
				stores = append(stores, f.Store)
			}
		} else if f.Fix != "" && !slices.Contains(fixes, f.Fix) {
			fixes = append(fixes, f.Fix)
		}
	}
	if len(no) == 0 {
		return nil
	}
	if len(stores) > 0 {
		fixes = append([]string{fixTrust + " --store " + strings.Join(stores, ",")}, fixes...)
	}
	details["ca_fingerprint"] = fingerprint(p.o.RTDevCA)
	details["trusted_by"] = yes
	details["not_trusted_by"] = no
	fix := strings.Join(fixes, " && ")
	if len(yes) == 0 {
		return []Finding{p.finding(IDCertUntrustedRTDevCA, SeverityError,
			"the certificate comes from your rtdev CA, which no client on this machine trusts (ERR_CERT_AUTHORITY_INVALID): "+
				strings.Join(parts, "; "), fix, details)}
	}
	return []Finding{p.finding(IDCertPartlyTrusted, sev,
		"the certificate comes from your rtdev CA; "+strings.Join(yesNamed, " and ")+" trust it, "+strings.Join(parts, "; "), fix, details)}
}
