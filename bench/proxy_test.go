package bench_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rtdev/rtdev/internal/testtool"

	"github.com/rtdev/rtdev/bench/loadgen"
	"github.com/rtdev/rtdev/bench/report"
)

// TestTinyProxyBench builds rtdev, rtdev-bench and the echo backend as
// bench/run.sh does, runs the proxy-overhead scenario alone at tiny size
// (one echo backend, one rtdev proxy, loopback only, a few seconds of
// load) and checks that every measurement exists on both paths with
// well-formed numbers. It asserts no speed and no ratio.
func TestTinyProxyBench(t *testing.T) {
	if testing.Short() {
		t.Skip("builds three binaries and starts rtdev proxy")
	}
	testtool.Need(t, "taskset")
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	buildBins(ctx, t, dir, []benchBin{
		rtdevBin,
		{name: "rtdev-bench", pkg: "./cmd/rtdev-bench", race: true},
		{name: "echo", pkg: "./echo", race: true},
	})
	outDir, work := filepath.Join(dir, "results"), filepath.Join(dir, "work")
	stdout := runBench(ctx, t, dir, filepath.Join(work, "proxy"), "-preset", "tiny", "-scenarios", "proxy",
		"-rtdev", filepath.Join(dir, "rtdev"), "-echo", filepath.Join(dir, "echo"), "-out", outDir, "-work", work)
	if _, err := os.Stat(filepath.Join(outDir, "results.json")); err == nil {
		t.Error("-scenarios proxy also wrote the main suite's results.json")
	}
	res, err := report.ReadProxy(filepath.Join(outDir, "proxy.json"))
	if err != nil {
		t.Fatal(err)
	}
	checkProxyResults(t, res)
	md, err := os.ReadFile(filepath.Join(outDir, "proxy.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| metric (median / p99 of 1 run) | direct (ws://, http://) | rtdev proxy (wss://, https://) | proxied/direct |", "includes TLS"} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("proxy.md lacks %q:\n%s", want, md)
		}
	}
	if !strings.Contains(stdout, "rtdev proxy overhead") {
		t.Errorf("no proxy table on stdout:\n%s", stdout)
	}
}

func checkProxyResults(t *testing.T, res *report.ProxyResults) {
	t.Helper()
	if len(res.Failed) > 0 {
		t.Errorf("failed measurements: %v", res.Failed)
	}
	tests := map[string]int{}
	for _, x := range res.Runs {
		tests[x.Test]++
		if x.Via != report.ViaDirect && x.Via != report.ViaProxied {
			t.Errorf("%s: via %q", x.Test, x.Via)
		}
		if x.Operations <= 0 || x.OpsPerSec <= 0 || x.MiBPerSec <= 0 || x.WindowSeconds <= 0 {
			t.Errorf("%s %s: nothing measured: %+v", x.Via, x.Test, x)
		}
		if x.ErrorCount != 0 {
			t.Errorf("%s %s: errors %v", x.Via, x.Test, x.Errors)
		}
		if x.ServerCPUSeconds < 0 || x.LoadgenCPUSeconds <= 0 {
			t.Errorf("%s %s: cpu not read: %+v", x.Via, x.Test, x)
		}
		timed := x.Test != loadgen.EchoStream
		if timed && (x.LatencyP50Ms <= 0 || x.LatencyP99Ms < x.LatencyP50Ms) {
			t.Errorf("%s %s: latency p50 %v p99 %v", x.Via, x.Test, x.LatencyP50Ms, x.LatencyP99Ms)
		}
	}
	// Two ping-pong sizes of client count, two stream message sizes, one
	// HTTP test; each once per path.
	if tests[loadgen.EchoPingPong] != 4 || tests[loadgen.EchoStream] != 4 || tests[loadgen.EchoHTTP] != 2 {
		t.Errorf("measurements by test %v, want ping-pong 4, stream 4, http 2", tests)
	}
	if res.Summary == nil || len(res.Summary.Rows) == 0 {
		t.Fatal("no summary rows")
	}
	for _, row := range res.Summary.Rows {
		if row.Direct.N != 1 || row.Proxied.N != 1 {
			t.Errorf("%s: %d direct and %d proxied runs, want 1 each", row.Label, row.Direct.N, row.Proxied.N)
		}
		if !row.Context && !(row.Ratio > 0) {
			t.Errorf("%s: ratio %v", row.Label, row.Ratio)
		}
	}
	if res.Machine.Cores < 1 || res.Versions["rtdev"] == "" {
		t.Errorf("machine or versions not recorded: %+v %v", res.Machine, res.Versions)
	}
}
