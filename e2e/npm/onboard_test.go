package npm

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/e2e/internal/harness"
)

// TestOnboardingScriptUsesDevDependency runs the onboarding script of an
// app whose rtdev.toml says install = "npm", under dash with no rtdev on
// PATH: it must set the project up through the app's own devDependency,
// and say to run npm install when node_modules lacks it.
func TestOnboardingScriptUsesDevDependency(t *testing.T) {
	harness.RequireTool(t, "dash")
	a := installApp(t, nil)
	writeFile(t, filepath.Join(a.sb.Project, "rtdev.toml"), "[onboarding]\ninstall = \"npm\"\n")
	if out, errOut, err := a.sb.Run("npx", "--no", "--", "rtdev", "init", "--yes", "--onboarding-script", "--pin", "1.2.3"); err != nil {
		t.Fatalf("rtdev init --onboarding-script: %v\n%s%s", err, out, errOut)
	}
	// The new developer's clone: no .rtdev/, and no rtdev but npm's.
	if err := os.RemoveAll(filepath.Join(a.sb.Project, ".rtdev")); err != nil {
		t.Fatal(err)
	}
	a.sb.Setenv("PATH", "/usr/local/bin:/usr/bin:/bin")
	for _, dir := range []string{"/usr/local/bin", "/usr/bin", "/bin"} {
		if _, err := os.Stat(filepath.Join(dir, "rtdev")); err == nil {
			t.Skipf("%s/rtdev exists: the script could run it instead of the devDependency", dir)
		}
	}
	out, errOut, code := a.onboard(t)
	// 3 is doctor's "problems found" (nothing listens yet, for one).
	if code != 0 && code != 3 {
		t.Fatalf("onboarding script exited %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(a.sb.Project, ".rtdev", "cert.pem")); err != nil {
		t.Fatalf("the script's npx rtdev init wrote no certificate: %v\n%s", err, errOut)
	}
	if !strings.Contains(errOut, "using rtdev "+a.version) {
		t.Errorf("the script did not run the devDependency's rtdev %s:\n%s", a.version, errOut)
	}

	if err := os.Rename(filepath.Join(a.sb.Project, "node_modules"), filepath.Join(a.sb.Home, "node_modules")); err != nil {
		t.Fatal(err)
	}
	_, errOut, code = a.onboard(t)
	if code != 1 || !strings.Contains(errOut, "run npm install") {
		t.Errorf("without node_modules: exit %d, want 1 and the npm install hint:\n%s", code, errOut)
	}
}

func (a *app) onboard(t *testing.T) (stdout, stderr string, code int) {
	t.Helper()
	out, errOut, err := a.sb.Run("dash", filepath.Join("scripts", "rtdev-onboard.sh"))
	return out, errOut, exitCode(t, err)
}
