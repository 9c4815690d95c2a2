package doctor

import (
	"crypto/x509"
	"slices"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/project"
	"github.com/rtdev/rtdev/trust"
)

// The live verdict on a certificate from the rtdev CA agrees with the
// stores: with only NSS trusting it, browsers do, curl/Go/Python and the
// runtimes do not, and whether that is an error depends on whether their
// store is selected.
func TestProbeVerdictPerClientFamily(t *testing.T) {
	c := newRTDevCA(t)
	leaf := issue(t, c, "localhost", "127.0.0.1")
	addr := serveTLS(t, listen(t, "127.0.0.1:0"), tlsCert(leaf.Key, leaf.Cert))
	lay := project.NewLayout(t.TempDir())
	nss := trust.Result{Store: trust.StoreNSS, Location: "/h/.pki/nssdb", State: trust.Installed}
	sys := trust.Result{Store: trust.StoreSystem, Location: "/usr/local/share/ca-certificates/rtdev.crt", State: trust.Missing}
	noNSS := trust.Result{Store: trust.StoreNSS, Location: "/h/.pki/nssdb", State: trust.Missing}
	noJDK := trust.Result{Store: trust.StoreJava, State: trust.Skipped, Reason: "no JDK found"}
	for _, tc := range []struct {
		name      string
		st        StoreStatus
		roots     []*x509.Certificate
		id        string // "" for no verdict finding
		sev       Severity
		trusted   []string
		fix       string
		inMessage []string
	}{
		{"nss only, nss selected", StoreStatus{Results: []trust.Result{sys, nss, noJDK}, Selection: []string{trust.StoreNSS}}, nil,
			IDCertPartlyTrusted, SeverityInfo, []string{FamilyBrowsers},
			"rtdev trust install --store system && " + fixEnv,
			[]string{"browsers (Chrome, Chromium and Firefox) trust it", "OS tools (curl, Go and Python's ssl) do not (fix: rtdev trust install --store system)", "runtimes (Node, Deno and Python requests) do not (fix: " + fixEnv + ")"}},
		{"nss only, every store selected", StoreStatus{Results: []trust.Result{sys, nss, noJDK}}, nil,
			IDCertPartlyTrusted, SeverityError, []string{FamilyBrowsers}, "rtdev trust install --store system && " + fixEnv, nil},
		{"no store", StoreStatus{Results: []trust.Result{sys, noNSS, noJDK}, Selection: []string{trust.StoreNSS}}, nil,
			IDCertUntrustedRTDevCA, SeverityError, []string{}, "rtdev trust install --store nss,system && " + fixEnv,
			[]string{"no client on this machine trusts", "ERR_CERT_AUTHORITY_INVALID"}},
		// The system roots verifying it is the OS tools trusting it, even
		// when the system store's own check could not tell.
		{"system roots verify it", StoreStatus{Results: []trust.Result{noNSS, noJDK}, Selection: []string{trust.StoreSystem}}, []*x509.Certificate{c.Cert},
			IDCertPartlyTrusted, SeverityInfo, []string{FamilyOSTools}, "rtdev trust install --store nss && " + fixEnv, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := testProbeOptions(tc.roots...)
			o.RTDevCA = c.Cert
			o.Clients = Clients(c, ClientOptions{GOOS: "linux", Stores: tc.st, Getenv: func(string) string { return "" }, Layout: lay})
			fs := Probe(t.Context(), "https://"+addr+"/", o)
			f := mustFind(t, fs, tc.id)
			if f.Severity != tc.sev || f.Fix != tc.fix || !slices.Equal(f.Details["trusted_by"].([]string), tc.trusted) {
				t.Errorf("finding %+v\nwant %s, fix %q, trusted by %v", f, tc.sev, tc.fix, tc.trusted)
			}
			for _, want := range tc.inMessage {
				if !strings.Contains(f.Message, want) {
					t.Errorf("message %q lacks %q", f.Message, want)
				}
			}
			if tc.sev == SeverityInfo {
				mustFind(t, fs, IDCertOK)
				if got := problems(fs); len(got) != 0 {
					t.Errorf("problems: %v", got)
				}
			}
		})
	}

	t.Run("every family trusts it", func(t *testing.T) {
		o := testProbeOptions(c.Cert)
		o.RTDevCA = c.Cert
		o.Clients = []ClientTrust{{Family: FamilyBrowsers, Trusted: true}, {Family: FamilyOSTools, Trusted: true}, {Family: FamilyRuntimes, Trusted: true}}
		fs := Probe(t.Context(), "https://"+addr+"/", o)
		mustFind(t, fs, IDCertOK)
		mustNotFind(t, fs, IDCertPartlyTrusted)
		mustNotFind(t, fs, IDCertUntrustedRTDevCA)
	})
}

// Browsers read NSS on Linux and the system store on macOS and Windows; a
// family is trusted only when every location it reads has the CA.
func TestClients(t *testing.T) {
	c := newRTDevCA(t)
	rs := []trust.Result{
		{Store: trust.StoreSystem, State: trust.Installed},
		{Store: trust.StoreNSS, Location: "/a", State: trust.Installed},
		{Store: trust.StoreNSS, Location: "/b", State: trust.Missing},
		{Store: trust.StoreJava, Location: "/jdk/cacerts", State: trust.Installed},
	}
	get := func(cs []ClientTrust, family string) ClientTrust {
		i := slices.IndexFunc(cs, func(c ClientTrust) bool { return c.Family == family })
		if i < 0 {
			t.Fatalf("no %s in %+v", family, cs)
		}
		return cs[i]
	}
	o := ClientOptions{GOOS: "linux", Stores: StoreStatus{Results: rs}, Getenv: func(string) string { return "" }, Layout: project.NewLayout(t.TempDir())}
	linux := Clients(c, o)
	if b := get(linux, FamilyBrowsers); b.Trusted || !slices.Equal(b.Missing, []string{"/b"}) || b.Store != trust.StoreNSS {
		t.Errorf("linux browsers %+v", b)
	}
	if j := get(linux, FamilyJava); !j.Trusted {
		t.Errorf("java %+v", j)
	}
	o.GOOS = "darwin"
	if b := get(Clients(c, o), FamilyBrowsers); !b.Trusted || b.Store != trust.StoreSystem {
		t.Errorf("macOS browsers %+v", b)
	}
	// No JDK: no Java family.
	o.Stores.Results = []trust.Result{{Store: trust.StoreJava, State: trust.Skipped}}
	if slices.ContainsFunc(Clients(c, o), func(c ClientTrust) bool { return c.Family == FamilyJava }) {
		t.Error("a Java family without a JDK")
	}
}
