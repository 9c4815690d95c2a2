package doctor

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/internal/run"
	"github.com/rtdev/rtdev/internal/testtool"
	"github.com/rtdev/rtdev/project"
	"github.com/rtdev/rtdev/trust"
)

func TestTrustFinding(t *testing.T) {
	for _, tc := range []struct {
		r       trust.Result
		wantID  string
		wantSev Severity
		wantFix string
	}{
		{trust.Result{Store: "system", State: trust.Installed}, IDCATrusted, SeverityOK, ""},
		{trust.Result{Store: "nss", Location: "/h/.pki/nssdb", State: trust.Missing, Command: "certutil -A ..."}, IDCANotTrusted, SeverityError, "rtdev trust install --store nss"},
		{trust.Result{Store: "java", State: trust.Failed, Command: "keytool -importcert ...", Err: errors.New("keytool failed")}, IDTrustCheckFailed, SeverityError, "keytool -importcert ..."},
		{trust.Result{Store: "java", State: trust.Skipped, Reason: "no JDK found"}, IDTrustSkipped, SeverityInfo, ""},
		{trust.Result{Store: "nss", State: trust.Unsupported, Reason: "browsers on windows read the system store"}, IDTrustSkipped, SeverityInfo, ""},
	} {
		f := trustFinding(tc.r, true)
		if f.ID != tc.wantID || f.Severity != tc.wantSev || f.Fix != tc.wantFix || f.Message == "" {
			t.Errorf("trustFinding(%+v) = %+v; want %s %s fix %q", tc.r, f, tc.wantID, tc.wantSev, tc.wantFix)
		}
	}
}

// Eight NSS databases give eight findings, each naming its database.
func TestTrustFindingsNameTheirLocation(t *testing.T) {
	var rs []trust.Result
	for i := range 8 {
		rs = append(rs, trust.Result{Store: trust.StoreNSS, Location: fmt.Sprintf("/home/dev/.mozilla/firefox/p%d.default", i), State: trust.Installed})
	}
	status := func(context.Context, *ca.CA) (StoreStatus, error) { return StoreStatus{Results: rs}, nil }
	fs := checkTrust(t.Context(), status, newRTDevCA(t))
	seen := map[string]bool{}
	for i, f := range fs {
		if f.ID != IDCATrusted || !strings.Contains(f.Message, rs[i].Location) || seen[f.Message] {
			t.Errorf("finding %d = %+v, want one naming %s", i, f, rs[i].Location)
		}
		seen[f.Message] = true
	}
	if len(fs) != 8 {
		t.Errorf("got %d findings, want 8", len(fs))
	}
}

// Doctor reads stores RTDEV_TRUST_STORES leaves out; what is wrong there
// is information, since rtdev was told not to manage them.
func TestTrustFindingUnselectedStoreIsInfo(t *testing.T) {
	missing := trust.Result{Store: trust.StoreSystem, Location: "/usr/local/share/ca-certificates/x.crt", State: trust.Missing}
	st := StoreStatus{Results: []trust.Result{missing}, Selection: []string{trust.StoreNSS}}
	f := mustFind(t, checkTrust(t.Context(), func(context.Context, *ca.CA) (StoreStatus, error) { return st, nil }, newRTDevCA(t)), IDCANotTrusted)
	if f.Severity != SeverityInfo || !strings.Contains(f.Message, "RTDEV_TRUST_STORES leaves the system store out") || f.Details["selected"] != false {
		t.Errorf("%+v", f)
	}
	if f := trustFinding(missing, true); f.Severity != SeverityError {
		t.Errorf("selected store: %+v", f)
	}
}

// A JAVA_HOME that points nowhere is its own finding with the fix, not a
// failure of the Java store as a whole (mkcert#472).
func TestTrustFindingJavaHomeNowhere(t *testing.T) {
	r := trust.Result{Store: trust.StoreJava, Location: "/opt/gone", State: trust.Skipped, Command: "unset JAVA_HOME, or export JAVA_HOME=/path/to/jdk",
		Err: &trust.JavaHomeError{Variable: "JAVA_HOME", Path: "/opt/gone"}}
	f := trustFinding(r, true)
	if f.ID != IDJavaHomeInvalid || f.Severity != SeverityWarn || !strings.Contains(f.Message, "JAVA_HOME is /opt/gone, which does not exist") || f.Fix != r.Command {
		t.Errorf("%+v", f)
	}
}

func TestCheckTrustError(t *testing.T) {
	failing := func(context.Context, *ca.CA) (StoreStatus, error) { return StoreStatus{}, errors.New("no stores") }
	f := mustFind(t, checkTrust(t.Context(), failing, newRTDevCA(t)), IDTrustNotAvailable)
	if !f.Severity.Problem() {
		t.Errorf("%+v", f)
	}
}

// TestCheckLocalNSS uses the real NSS store of the trust package with
// certutil on a database in a throwaway HOME: the rtdev CA is reported
// missing there until it is installed.
func TestCheckLocalNSS(t *testing.T) {
	certutil := testtool.Need(t, "certutil")
	home := t.TempDir()
	db := filepath.Join(home, ".pki", "nssdb")
	if err := os.MkdirAll(db, 0o700); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(certutil, "-N", "-d", "sql:"+db, "--empty-password").CombinedOutput(); err != nil {
		t.Fatalf("certutil -N: %v\n%s", err, out)
	}
	vars := map[string]string{"HOME": home}
	env := trust.Env{GOOS: "linux", Getenv: func(k string) string { return vars[k] }, UID: os.Geteuid(),
		Runner: run.ExecRunner(), Root: t.TempDir()}
	var stores []trust.Store
	status := func(ctx context.Context, c *ca.CA) (StoreStatus, error) {
		var err error
		if stores, err = trust.Stores(env, c, []string{trust.StoreNSS}); err != nil {
			return StoreStatus{}, err
		}
		var out []trust.Result
		for _, s := range stores {
			out = append(out, s.Status(ctx)...)
		}
		return StoreStatus{Results: out}, nil
	}

	p := newProject(t, fakeSystem{hostname: "devbox"}, project.Defaults())
	p.opts.Trust = status
	fs := CheckLocal(t.Context(), p.opts)
	f := mustFind(t, fs, IDCANotTrusted)
	if f.Details["store"] != trust.StoreNSS || f.Details["location"] != db || !strings.Contains(f.Message, "ERR_CERT_AUTHORITY_INVALID") {
		t.Errorf("finding %+v", f)
	}
	mustNotFind(t, fs, IDCATrusted)

	for _, r := range stores[0].Install(t.Context()) {
		if r.State != trust.Installed {
			t.Fatalf("install into the throwaway database: %+v", r)
		}
	}
	fs = CheckLocal(t.Context(), p.opts)
	mustFind(t, fs, IDCATrusted)
	mustNotFind(t, fs, IDCANotTrusted)
}
