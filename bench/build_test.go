package bench_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"
)

// benchBin is a binary a tiny run builds, as bench/run.sh does.
type benchBin struct {
	name, pkg string
	race      bool // built with -race when the test is
}

// buildBins builds bins into dir, failing the test on the first that does
// not build.
func buildBins(ctx context.Context, t *testing.T, dir string, bins []benchBin) {
	t.Helper()
	for _, b := range bins {
		args := []string{"build", "-o", filepath.Join(dir, b.name)}
		if b.race && raceBuild {
			args = append(args, "-race")
		}
		if out, err := exec.CommandContext(ctx, "go", append(args, b.pkg)...).CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", b.pkg, err, out)
		}
	}
}
