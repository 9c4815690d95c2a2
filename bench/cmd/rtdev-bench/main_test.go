package main

import (
	"slices"
	"testing"

	"github.com/rtdev/rtdev/bench/harness"
	"github.com/rtdev/rtdev/bench/suite"
)

func TestCPUSplit(t *testing.T) {
	tests := []struct {
		server, loadgen string
		n               int
		wantSrv, wantGn []int
		wantErr         bool
	}{
		{"", "", 2, []int{1}, []int{0}, false},
		{"", "", 4, []int{2, 3}, []int{0, 1}, false},
		{"0", "1", 2, []int{0}, []int{1}, false},
		{"x", "", 2, nil, nil, true},
		{"", "-1", 2, nil, nil, true},
	}
	for _, tt := range tests {
		srv, gen, err := cpuSplit(tt.server, tt.loadgen, tt.n)
		if (err != nil) != tt.wantErr || !slices.Equal(srv, tt.wantSrv) || !slices.Equal(gen, tt.wantGn) {
			t.Errorf("cpuSplit(%q, %q, %d) = %v, %v, %v", tt.server, tt.loadgen, tt.n, srv, gen, err)
		}
	}
}

func TestBuildPlanOverrides(t *testing.T) {
	p, err := buildPlan(options{preset: "full", servers: "rtdev, floor", scenarios: "relay", runs: 1,
		relayPeers: 10, relayPeerRate: 0, connectSizes: "5,7"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Servers, []harness.Kind{harness.Rtdev, harness.Floor}) || !slices.Equal(p.Scenarios, []string{suite.ScenarioRelay}) {
		t.Errorf("servers %v, scenarios %v", p.Servers, p.Scenarios)
	}
	if p.Runs != 1 || p.Relay.Peers != 10 || p.Relay.PeerRate != 0 || !slices.Equal(p.ConnectSizes, []int{5, 7}) {
		t.Errorf("overrides not applied: %+v", p)
	}
	for _, bad := range []options{{preset: "huge"}, {preset: "tiny", servers: "nginx"}, {preset: "tiny", scenarios: "soak"}, {preset: "tiny", connectSizes: "1,x"}} {
		bad.relayPeerRate = -1
		if _, err := buildPlan(bad); err == nil {
			t.Errorf("buildPlan(%+v) accepted a bad option", bad)
		}
	}
}

// The decoder preset is the relay of the full one on rtdev and
// rtdev-stdjson only; the full preset measures rtdev-stdjson too.
func TestDecoderPreset(t *testing.T) {
	full, err := buildPlan(options{preset: "full", relayPeerRate: -1})
	if err != nil {
		t.Fatal(err)
	}
	p, err := buildPlan(options{preset: suite.PresetDecoder, relayPeerRate: -1})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Servers, []harness.Kind{harness.Rtdev, harness.RtdevStdJSON}) || !slices.Equal(p.Scenarios, []string{suite.ScenarioRelay}) {
		t.Errorf("servers %v, scenarios %v", p.Servers, p.Scenarios)
	}
	if p.Runs != 3 || p.Relay != full.Relay {
		t.Errorf("decoder preset runs %d, relay %+v; want 3 and the full preset's %+v", p.Runs, p.Relay, full.Relay)
	}
	if !slices.Contains(full.Servers, harness.RtdevStdJSON) {
		t.Errorf("full preset servers %v lack rtdev-stdjson", full.Servers)
	}
}
