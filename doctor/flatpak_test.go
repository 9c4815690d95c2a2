package doctor

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/internal/testtool"
	"github.com/rtdev/rtdev/project"
	"github.com/rtdev/rtdev/trust"
)

// A Chrome Flatpak older than Chromium 146 with no shared or persisted
// ~/.pki: doctor says so with the override, which, run as printed, leaves
// nothing to report.
func TestCheckLocalFlatpakOverrideFixes(t *testing.T) {
	for _, tc := range []struct {
		name     string
		hostPKI  bool
		stores   string
		wantFix  string
		wantSev  Severity
		wantPath string // the database the fixed sandbox opens, under HOME
	}{
		{"no host database: a persisted folder", false, "", "flatpak override --user --persist=.pki com.google.Chrome", SeverityWarn,
			".var/app/com.google.Chrome/.pki/nssdb"},
		{"host database: share it", true, "", "flatpak override --user --filesystem=~/.pki com.google.Chrome", SeverityWarn,
			".pki/nssdb"},
		{"nss left out: info", false, "system", "flatpak override --user --persist=.pki com.google.Chrome", SeverityInfo,
			".var/app/com.google.Chrome/.pki/nssdb"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home, root, bin := t.TempDir(), t.TempDir(), t.TempDir()
			meta := filepath.Join(root, "var/lib/flatpak/app/com.google.Chrome/current/active/files/share/metainfo")
			mkdirAll(t, meta)
			write(t, filepath.Join(meta, "com.google.Chrome.metainfo.xml"),
				`<component><releases><release version="145.0.7632.159-1" date="2026-02-20"/></releases></component>`, 0o644)
			if tc.hostPKI {
				mkdirAll(t, filepath.Join(home, ".pki/nssdb"))
				write(t, filepath.Join(home, ".pki/nssdb/cert9.db"), "", 0o600)
			}
			if _, err := testtool.StandInFlatpak(bin); err != nil {
				t.Fatal(err)
			}
			vars := map[string]string{"HOME": home, trust.EnvStores: tc.stores}
			env := trust.Env{GOOS: "linux", Getenv: func(k string) string { return vars[k] }, Root: root}
			p := newProject(t, fakeSystem{hostname: "devbox"}, project.Defaults())
			p.opts.Getenv = env.Getenv
			p.opts.Flatpak = func() []trust.FlatpakBrowser { return trust.FlatpakBrowsers(env) }

			f := mustFind(t, CheckLocal(t.Context(), p.opts), IDFlatpakNoNSSDB)
			if f.Fix != tc.wantFix || f.Severity != tc.wantSev || f.Subject != "flatpak com.google.Chrome" ||
				!strings.Contains(f.Message, "Google Chrome 145") || !strings.Contains(f.Message, "ERR_CERT_AUTHORITY_INVALID") {
				t.Fatalf("finding %+v", f)
			}

			cmd := exec.Command("sh", "-c", f.Fix)
			cmd.Env = []string{"PATH=" + bin + ":/usr/bin:/bin", "HOME=" + home}
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("the fix as printed, %q: %v\n%s", f.Fix, err, out)
			}
			mustNotFind(t, CheckLocal(t.Context(), p.opts), IDFlatpakNoNSSDB)
			bs := trust.FlatpakBrowsers(env)
			if len(bs) != 1 || bs[0].DB != filepath.Join(home, tc.wantPath) {
				t.Errorf("after the override: %+v, want the database at %s", bs, tc.wantPath)
			}
		})
	}
}

// A current Flatpak browser opens a database rtdev writes: no finding.
func TestCheckFlatpakCurrentBrowser(t *testing.T) {
	list := func() []trust.FlatpakBrowser {
		return []trust.FlatpakBrowser{{ID: "org.chromium.Chromium", Name: "Chromium", Version: 151, DB: "/h/.var/app/org.chromium.Chromium/data/pki/nssdb"}}
	}
	if fs := checkFlatpak(list, func(string) string { return "" }); len(fs) != 0 {
		t.Errorf("findings %v", describe(fs))
	}
}

func mkdirAll(t *testing.T, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}
