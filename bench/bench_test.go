package bench_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rtdev/rtdev/internal/testtool"

	"github.com/rtdev/rtdev/bench/report"
)

// TestTinyBench builds rtdev and the bench's commands as bench/run.sh does
// (rtdev-bench, floor, devprof; the load generator and the floor with -race
// under go test -race), runs every scenario once at tiny size against the
// three servers (relay also against two rtdev instances on one Redis),
// and checks that the results are complete and well-formed
// and that the churn checks passed. It asserts no timing: the numbers only
// have to exist.
func TestTinyBench(t *testing.T) {
	if testing.Short() {
		t.Skip("builds four binaries and starts eight servers")
	}
	node := testtool.Need(t, "node")
	testtool.Need(t, "taskset")
	testtool.Need(t, "redis-server") // rtdev-cluster
	if _, err := os.Stat("peerjs-server/node_modules/peer/dist/bin/peerjs.js"); err != nil {
		testtool.Missing(t, fmt.Sprintf("peerjs-server is missing (scripts/test-deps.sh runs npm ci in bench/peerjs-server): %v", err))
	}

	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	buildBins(ctx, t, dir, []benchBin{
		rtdevBin,
		{name: "rtdev-bench", pkg: "./cmd/rtdev-bench", race: true},
		{name: "floor", pkg: "./floor", race: true},
		{name: "devprof", pkg: "./devprof", race: false},
	})
	outDir, work := filepath.Join(dir, "results"), filepath.Join(dir, "work")
	stdout := runBench(ctx, t, dir, work, "-preset", "tiny",
		"-rtdev", filepath.Join(dir, "rtdev"), "-floor", filepath.Join(dir, "floor"),
		"-devprof", filepath.Join(dir, "devprof"), "-peerjs-dir", "peerjs-server", "-node", node,
		"-out", outDir, "-work", work)
	res, err := report.Read(filepath.Join(outDir, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	checkResults(t, res)
	checkRenderings(t, outDir, stdout)
}

func checkResults(t *testing.T, res *report.Results) {
	t.Helper()
	if res.Machine.Cores < 1 || res.Machine.GoVersion == "" || res.Versions["npm peer"] != "1.0.2" {
		t.Errorf("machine or versions not recorded: %+v %v", res.Machine, res.Versions)
	}
	if len(res.Servers) != 4 {
		t.Fatalf("results for %d servers, want rtdev, peerjs-server, floor and rtdev-cluster", len(res.Servers))
	}
	for _, s := range res.Servers {
		if len(s.Failed) > 0 {
			t.Errorf("%s: failed runs: %v", s.Name, s.Failed)
		}
		if len(s.Relay) != 1 {
			t.Errorf("%s: %d relay runs, want 1", s.Name, len(s.Relay))
		}
		for _, r := range s.Relay {
			if r.Messages <= 0 || r.Negotiations <= 0 || r.MessagesPerSec <= 0 {
				t.Errorf("%s relay: nothing relayed: %+v", s.Name, r)
			}
			if r.LatencyP50Ms <= 0 || r.LatencyP99Ms < r.LatencyP50Ms {
				t.Errorf("%s relay: latency p50 %v p99 %v", s.Name, r.LatencyP50Ms, r.LatencyP99Ms)
			}
			if r.PeersLost != 0 || r.ErrorCount != 0 {
				t.Errorf("%s relay: %d peers lost, errors %v", s.Name, r.PeersLost, r.Errors)
			}
			if r.ServerRSS <= 0 {
				t.Errorf("%s relay: server RSS not read", s.Name)
			}
		}
		if s.Name == "rtdev-cluster" {
			// Relay only, and every message crossed instances.
			if len(s.Connect) != 0 || len(s.Churn) != 0 || len(s.Stats) != 1 {
				t.Errorf("rtdev-cluster: connect %v churn %v stats %v", s.Connect, s.Churn, s.Stats)
			} else if fw, _ := s.Stats[0]["cluster_forwarded"].(float64); fw <= 0 {
				t.Errorf("rtdev-cluster: no message crossed instances: %v", s.Stats[0])
			}
			continue
		}
		if len(s.Connect) != 1 || len(s.Connect[0].Runs) != 1 {
			t.Fatalf("%s: connect levels %+v, want one run at one size", s.Name, s.Connect)
		}
		c := s.Connect[0].Runs[0]
		if c.Peers != 20 || c.Opened != 20 || c.Held != 20 || c.ConnPerSec <= 0 {
			t.Errorf("%s connect: %+v", s.Name, c)
		}
		if c.BaseRSS <= 0 || c.PeakRSS < c.OpenRSS || c.OpenRSS <= 0 {
			t.Errorf("%s connect: memory not read: %+v", s.Name, c)
		}
		wantChurn := 1
		if s.Name == "floor" {
			wantChurn = 0 // no offline queue to check
		}
		if len(s.Churn) != wantChurn {
			t.Errorf("%s: %d churn runs, want %d", s.Name, len(s.Churn), wantChurn)
		}
		for _, ch := range s.Churn {
			if !ch.Passed || ch.Probes == 0 || ch.Expired != ch.Probes || ch.Sent == 0 || ch.Delivered != ch.Sent {
				t.Errorf("%s churn did not pass: %+v", s.Name, ch)
			}
		}
	}
	if res.Summary == nil || len(res.Summary.Goals) != 6 {
		t.Fatalf("summary missing or incomplete: %+v", res.Summary)
	}
	for _, g := range res.Summary.Goals {
		if g.Shown == "" {
			t.Errorf("goal %q not evaluated", g.Name)
		}
	}
}

func checkRenderings(t *testing.T, outDir, stdout string) {
	t.Helper()
	for _, want := range []string{"relay: messages/s", "rtdev/peerjs", "rtdev/floor", "cluster/rtdev", "connect 20: RSS per idle conn", "churn: checks passed", "goals:"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("table on stdout lacks %q:\n%s", want, stdout)
		}
	}
	md, err := os.ReadFile(filepath.Join(outDir, "table.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(md, []byte("| metric (median / p99 of runs) | rtdev | peerjs-server | floor |")) {
		t.Errorf("table.md has no table header:\n%s", md)
	}
	svg, err := os.ReadFile(filepath.Join(outDir, "chart.svg"))
	if err != nil {
		t.Fatal(err)
	}
	dec := xml.NewDecoder(bytes.NewReader(svg))
	rects := 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("chart.svg is not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "rect" {
			rects++
		}
	}
	if rects != 1+4*4 { // the background and four panels of four bars
		t.Errorf("chart.svg has %d rects, want 17", rects)
	}
}

// serverLogs is the tail of every server log, to explain a failure.
func serverLogs(work string) string {
	var b strings.Builder
	logs, _ := filepath.Glob(filepath.Join(work, "logs", "*.log"))
	for _, l := range logs {
		data, err := os.ReadFile(l)
		if err != nil {
			continue
		}
		if len(data) > 2000 {
			data = data[len(data)-2000:]
		}
		b.WriteString("\n== " + filepath.Base(l) + "\n" + string(data))
	}
	return b.String()
}
