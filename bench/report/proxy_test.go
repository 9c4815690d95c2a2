package report

import (
	"encoding/json"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rtdev/rtdev/bench/loadgen"
)

func TestSummarizeProxy(t *testing.T) {
	pp := loadgen.EchoConfig{Test: loadgen.EchoPingPong, Clients: 32, MessageBytes: 1024, Duration: time.Second}
	st := loadgen.EchoConfig{Test: loadgen.EchoStream, Clients: 1, MessageBytes: 64 << 10, Duration: time.Second}
	run := func(c loadgen.EchoConfig, via string, ops float64) loadgen.EchoResult {
		return loadgen.EchoResult{EchoConfig: c, Via: via, WindowSeconds: 1, Operations: int64(ops), OpsPerSec: ops,
			LatencyP50Ms: 1e3 / ops, LatencyP99Ms: 2e3 / ops, ServerCPUSeconds: 0.5, LoadgenCPUSeconds: 0.9}
	}
	r := &ProxyResults{Runs: []loadgen.EchoResult{
		run(pp, ViaDirect, 1000), run(pp, ViaProxied, 400),
		run(pp, ViaProxied, 500), run(pp, ViaDirect, 3000),
		run(st, ViaDirect, 100), // the proxied stream failed
	}}
	s := SummarizeProxy(r)
	find := func(label string) ProxyRow {
		t.Helper()
		for _, row := range s.Rows {
			if row.Label == label {
				return row
			}
		}
		t.Fatalf("no row %q in %+v", label, s.Rows)
		return ProxyRow{}
	}
	rt := find("ws ping-pong, 32 clients, 1 KiB: round trips/s")
	if rt.Direct.Median != 2000 || rt.Proxied.Median != 450 || rt.Direct.N != 2 || math.Abs(rt.Ratio-0.225) > 1e-9 {
		t.Errorf("round trips row = %+v, want medians 2000 and 450, ratio 0.225", rt)
	}
	if cpu := find("ws ping-pong, 32 clients, 1 KiB: load generator CPU (cores)"); !cpu.Context || !math.IsNaN(cpu.Ratio) {
		t.Errorf("load generator row has a ratio: %+v", cpu)
	}
	mib := find("ws stream, 1 client, 64 KiB: MiB/s")
	if mib.Proxied.N != 0 || !math.IsNaN(mib.Ratio) {
		t.Errorf("stream row without proxied runs = %+v, want no ratio", mib)
	}

	dir := t.TempDir()
	if err := WriteProxy(dir, r); err != nil {
		t.Fatal(err) // encoding/json refuses a NaN: the missing ratios must be null
	}
	back, err := ReadProxy(filepath.Join(dir, "proxy.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Runs) != 5 || back.Summary == nil || len(back.Summary.Rows) != len(s.Rows) {
		t.Errorf("proxy.json read back with %d runs, summary %v", len(back.Runs), back.Summary)
	}
	js, _ := json.Marshal(mib)
	if !strings.Contains(string(js), `"proxied_over_direct":null`) {
		t.Errorf("missing ratio marshals as %s", js)
	}
	md := ProxyMarkdown(r)
	for _, want := range []string{"| metric (median / p99 of 2 runs) | direct (ws://, http://) | rtdev proxy (wss://, https://) | proxied/direct |",
		"| ws ping-pong, 32 clients, 1 KiB: round trips/s | 2000 / 3000 | 450 / 500 | 0.23× |", "includes TLS"} {
		if !strings.Contains(md, want) {
			t.Errorf("proxy.md lacks %q:\n%s", want, md)
		}
	}
}
