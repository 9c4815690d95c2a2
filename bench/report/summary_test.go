package report

import (
	"math"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/bench/loadgen"
)

func TestStatOf(t *testing.T) {
	tests := []struct {
		in   []float64
		want Stat
	}{
		{nil, Stat{}},
		{[]float64{3}, Stat{Median: 3, P99: 3, N: 1}},
		{[]float64{5, 1, 3}, Stat{Median: 3, P99: 5, N: 3}},
		{[]float64{4, 1, 3, 2}, Stat{Median: 2.5, P99: 4, N: 4}},
	}
	for _, tt := range tests {
		if got := statOf(tt.in); got != tt.want {
			t.Errorf("statOf(%v) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func fixture() *Results {
	relay := func(mps, p99 float64) loadgen.RelayResult {
		return loadgen.RelayResult{MessagesPerSec: mps, LatencyP50Ms: p99 / 2, LatencyP99Ms: p99, WindowSeconds: 1}
	}
	conn := func(peers int, perConn float64, held int) loadgen.ConnectResult {
		return loadgen.ConnectResult{Peers: peers, Opened: held, Held: held, ConnPerSec: 1000, RSSPerConn: perConn}
	}
	r := &Results{}
	rt := r.Server(nameRtdev)
	rt.Relay = []loadgen.RelayResult{relay(60000, 2), relay(50000, 3), relay(55000, 2)}
	rt.AddConnect(conn(10000, 10*1024, 10000))
	rt.Churn = []loadgen.ChurnResult{{Passed: true}}
	pj := r.Server(namePeerJS)
	pj.Relay = []loadgen.RelayResult{relay(10000, 20), relay(11000, 20), relay(12000, 30)}
	pj.AddConnect(conn(10000, 40*1024, 10000))
	fl := r.Server(nameFloor)
	fl.Relay = []loadgen.RelayResult{relay(60000, 1)}
	fl.AddConnect(conn(10000, 5*1024, 9000))
	return r
}

func TestGoals(t *testing.T) {
	s := Summarize(fixture())
	want := map[string]struct {
		value float64
		met   bool
	}{
		"relay throughput, rtdev / peerjs-server":        {55000.0 / 11000, true},
		"relay p99 latency, rtdev / peerjs-server":       {2.0 / 20, true},
		"RSS per idle connection, rtdev / peerjs-server": {0.25, true},
		"10k concurrent peers held by rtdev":             {1, true},
		"relay throughput, rtdev / floor":                {55000.0 / 60000, true},
		"churn checks passed by rtdev":                   {1, true},
	}
	for _, g := range s.Goals {
		w, ok := want[g.Name]
		if !ok {
			t.Errorf("unexpected goal %q", g.Name)
			continue
		}
		delete(want, g.Name)
		if math.Abs(g.Value-w.value) > 1e-9 || g.Met != w.met {
			t.Errorf("%s = %v (met %v), want %v (met %v)", g.Name, g.Value, g.Met, w.value, w.met)
		}
	}
	for name := range want {
		t.Errorf("goal %q missing", name)
	}
	if fl := s.Find(nameFloor); fl.Connect[0].AllHeld {
		t.Error("floor held 9000 of 10000 peers but AllHeld is true")
	}
}

func TestGoalsNotMeasured(t *testing.T) {
	r := &Results{}
	r.Server(nameRtdev).Relay = []loadgen.RelayResult{{MessagesPerSec: 1}}
	found := false
	for _, g := range Summarize(r).Goals {
		if g.Name != "relay throughput, rtdev / peerjs-server" {
			continue
		}
		found = true
		if g.Met || g.Value != -1 || g.Shown != "not measured" || mark(g) != "n/a" {
			t.Errorf("a goal without peerjs-server results: %+v", g)
		}
	}
	if !found {
		t.Error("no relay throughput goal")
	}
}

func TestTextTable(t *testing.T) {
	out := Text(fixture())
	for _, want := range []string{
		"relay: messages/s", "55.0k / 60.0k", "11.0k / 12.0k", "5.00×", "0.92×",
		"connect 10k: all open and held", "NO", "goals:",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

// rtdev-stdjson gets its own column and an rtdev/stdjson ratio: what the
// hand-written decoder buys the relay.
func TestTextTableStdJSON(t *testing.T) {
	r := fixture()
	sj := r.Server(nameStdJSON)
	sj.Relay = []loadgen.RelayResult{{MessagesPerSec: 40000, LatencyP99Ms: 4, WindowSeconds: 1}}
	out := Text(r)
	for _, want := range []string{"rtdev-stdjson", "rtdev/stdjson", "1.38×"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}
