package bench_test

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"testing"
)

// benchBin is a binary a tiny run builds, as bench/run.sh does.
type benchBin struct {
	name, pkg string
	race      bool // built with -race when the test is
	// dir is the folder go build runs in; "" is this module. rtdev
	// itself is built in its own module (".."), whose go.sum lists its
	// dependencies: the bench module's lists only what the bench imports,
	// and CI builds with -mod=readonly.
	dir string
}

// rtdevBin is rtdev as bench/run.sh builds it, from the parent module.
var rtdevBin = benchBin{name: "rtdev", pkg: ".", dir: ".."}

// buildBins builds bins into dir, failing the test on the first that does
// not build.
func buildBins(ctx context.Context, t *testing.T, dir string, bins []benchBin) {
	t.Helper()
	for _, b := range bins {
		args := []string{"build", "-o", filepath.Join(dir, b.name)}
		if b.race && raceBuild {
			args = append(args, "-race")
		}
		cmd := exec.CommandContext(ctx, "go", append(args, b.pkg)...)
		cmd.Dir = b.dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", b.pkg, err, out)
		}
	}
}

// runBench runs dir/rtdev-bench with args and returns its stdout. If it
// fails, or the test fails later, its stderr and the tail of every server
// log under logs are shown.
func runBench(ctx context.Context, t *testing.T, dir, logs string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(ctx, filepath.Join(dir, "rtdev-bench"), args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("rtdev-bench: %v\n%s%s", err, stderr.String(), serverLogs(logs))
	}
	// A cleanup, so that a later check ending the test with Fatal still
	// shows why.
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("rtdev-bench output:\n%s%s", stderr.String(), serverLogs(logs))
		}
	})
	return stdout.String()
}
