package imagetrust

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/rtdev/rtdev/internal/testtool"
)

// TestScriptsPassShellcheck: both scripts are POSIX sh (Alpine's is
// busybox ash, Debian's dash), checked as such.
func TestScriptsPassShellcheck(t *testing.T) {
	sc := testtool.Need(t, "shellcheck")
	files, err := Feature([]byte("ca"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	scripts := map[string]string{AdapterName: Adapter()}
	for _, f := range files {
		if f.Name == "install.sh" {
			scripts[f.Name] = string(f.Data)
		}
	}
	if len(scripts) != 2 {
		t.Fatal("the Feature has no install.sh")
	}
	for name, body := range scripts {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(sc, "-s", "sh", p).CombinedOutput(); err != nil {
			t.Errorf("shellcheck %s: %v\n%s", name, err, out)
		}
	}
}
