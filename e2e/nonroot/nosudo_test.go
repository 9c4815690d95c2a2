package nonroot

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/e2e/internal/harness"
	"github.com/rtdev/rtdev/internal/testtool"
)

// nobody is the unprivileged user and group the test drops to.
const nobody = "65534"

// TestInitWithoutSudoAsNonRoot runs `rtdev init --yes` as nobody, with a
// PATH that has no sudo, asking for the system store: init finishes the
// certificate set and says once that sudo is missing, with the command to
// run as root (no "sudo cp" that cannot work). Nothing is written to the
// machine's store: nobody cannot.
func TestInitWithoutSudoAsNonRoot(t *testing.T) {
	if os.Geteuid() != 0 {
		testtool.Missing(t, "dropping to another user with setpriv needs root")
	}
	setpriv := testtool.Need(t, "setpriv")
	// A folder tree nobody can use: the binary, HOME, the CA folder and
	// the project, none under the test's 0700 temporary folders.
	root, err := os.MkdirTemp("", "rtdev-nonroot-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(root) })
	bin := filepath.Join(root, "bin")
	home := filepath.Join(root, "home")
	project := filepath.Join(root, "project")
	for _, d := range []string{bin, home, project} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(harness.Binary(t))
	if err != nil {
		t.Fatal(err)
	}
	rtdev := filepath.Join(bin, "rtdev")
	if err := os.WriteFile(rtdev, data, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{root, home, project} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if d != root {
			if err := os.Chown(d, 65534, 65534); err != nil {
				t.Fatal(err)
			}
		}
	}
	// PATH has the tools init may look for but no sudo (this machine has
	// none either; a folder of our own makes sure of it).
	cmd := exec.Command(setpriv, "--reuid="+nobody, "--regid="+nobody, "--clear-groups", rtdev, "init", "--yes")
	cmd.Dir = project
	cmd.Env = []string{
		"HOME=" + home, "PATH=" + bin + ":/usr/bin:/bin",
		"RTDEV_CAROOT=" + filepath.Join(home, "ca"), "RTDEV_TRUST_STORES=system",
		"RTDEV_JAVA_HOMES=none", "NO_COLOR=1",
	}
	if _, err := exec.LookPath("sudo"); err == nil {
		t.Log("sudo is installed here; rtdev must still not use it without a terminal")
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	got := stderr.String()
	if err != nil {
		t.Fatalf("init as nobody: %v\nstdout:\n%s\nstderr:\n%s", err, out, got)
	}
	if _, statErr := os.Stat(filepath.Join(project, ".rtdev", "cert.pem")); statErr != nil {
		t.Fatalf("no certificate set: %v\n%s", statErr, got)
	}
	if _, lookErr := exec.LookPath("sudo"); lookErr != nil {
		if strings.Count(got, "sudo is not installed") != 1 {
			t.Errorf("init said %d times \"sudo is not installed\", want once:\n%s", strings.Count(got, "sudo is not installed"), got)
		}
		if strings.Contains(got, "sudo cp") || !strings.Contains(got, "as root") {
			t.Errorf("init's command cannot work without sudo, or does not say to run it as root:\n%s", got)
		}
	}
}
