package cli

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/e2e/internal/harness"
)

func TestMain(m *testing.M) { os.Exit(harness.Main(m)) }

// TestHintsNameThePathRtdevRanBy: after `make run` rtdev is ./bin/rtdev, not
// on PATH. Its hints and its next step name ./bin/rtdev, and the hint,
// run as printed, works.
func TestHintsNameThePathRtdevRanBy(t *testing.T) {
	sb := harness.NewSandbox(t)
	sb.Setenv("RTDEV_TRUST_STORES", "none")
	sb.Setenv("PATH", "/usr/bin:/bin")
	data, err := os.ReadFile(harness.Binary(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(sb.Project, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sb.Project, "bin", "rtdev"), data, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/usr/bin/rtdev", "/bin/rtdev"} {
		if _, err := os.Stat(p); err == nil {
			t.Fatalf("%s is on the sandbox's PATH: the test needs a machine without rtdev there", p)
		}
	}

	_, errOut, err := sb.Run("sh", "-c", "./bin/rtdev snippet vite")
	if err == nil {
		t.Fatal("snippet without a certificate set succeeded")
	}
	m := regexp.MustCompile(`hint: run "(\./bin/rtdev init)"`).FindStringSubmatch(errOut)
	if m == nil {
		t.Fatalf("the hint does not name ./bin/rtdev:\n%s", errOut)
	}

	_, errOut, err = sb.Run("sh", "-c", m[1])
	if err != nil {
		t.Fatalf("the hint as printed, %q: %v\n%s", m[1], err, errOut)
	}
	if !strings.Contains(errOut, "next: ./bin/rtdev serve") {
		t.Errorf("init's next step does not name ./bin/rtdev:\n%s", errOut)
	}
	if _, err := os.Stat(filepath.Join(sb.Project, ".rtdev", "cert.pem")); err != nil {
		t.Errorf("the hint did not make the certificate set: %v", err)
	}
}
