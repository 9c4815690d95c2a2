package suite

import (
	"fmt"
	"slices"
	"time"

	"github.com/rtdev/rtdev/bench/harness"
	"github.com/rtdev/rtdev/bench/loadgen"
)

// Scenario names.
const (
	ScenarioRelay   = "relay"
	ScenarioConnect = "connect"
	ScenarioChurn   = "churn"
)

// PresetDecoder runs only rtdev against rtdev-stdjson on relay: what the
// hand-written frame decoder buys, about 2 minutes.
const PresetDecoder = "decoder"

// Plan is what to run.
type Plan struct {
	Servers      []harness.Kind        `json:"servers"`
	Scenarios    []string              `json:"scenarios"`
	Runs         int                   `json:"runs"` // of relay, and of each connect size
	ChurnRuns    int                   `json:"churn_runs"`
	Relay        loadgen.RelayConfig   `json:"relay"`
	ConnectSizes []int                 `json:"connect_sizes"`
	Connect      loadgen.ConnectConfig `json:"connect"`
	Churn        loadgen.ChurnConfig   `json:"churn"`
}

// Has reports whether the plan includes scenario.
func (p Plan) Has(scenario string) bool { return slices.Contains(p.Scenarios, scenario) }

// Presets: "full" is `make bench` (about 11 minutes on two cores), "tiny" is
// the smoke run of the Go test (well under a minute of load), "decoder" the
// relay of "full" on rtdev and rtdev-stdjson only.
func Preset(name string) (Plan, error) {
	// Each peer stays under rtdev serve's default per-connection limit of
	// 100 messages/s; enough peers make up the load (see RelayConfig.PeerRate).
	negotiation := loadgen.RelayConfig{Candidates: 10, SDPBytes: 4096, CandidateBytes: 200,
		Concurrency: 32, FetchIDs: true, PeerRate: 90}
	switch name {
	case "full", PresetDecoder:
		relay := negotiation
		relay.Peers, relay.Warmup, relay.Duration = 1000, 2*time.Second, 10*time.Second
		if name == PresetDecoder {
			return Plan{Servers: []harness.Kind{harness.Rtdev, harness.RtdevStdJSON},
				Scenarios: []string{ScenarioRelay}, Runs: 3, Relay: relay}, nil
		}
		return Plan{
			Servers:      append(slices.Clone(harness.Kinds), harness.RtdevStdJSON),
			Scenarios:    []string{ScenarioRelay, ScenarioConnect, ScenarioChurn},
			Runs:         3,
			ChurnRuns:    2,
			Relay:        relay,
			ConnectSizes: []int{1000, 5000, 10000},
			Connect:      loadgen.ConnectConfig{Concurrency: 100, Hold: 2 * time.Second},
			Churn: loadgen.ChurnConfig{
				StablePairs: 20, RoundInterval: 250 * time.Millisecond, Duration: 10 * time.Second,
				JoinRate: 40, MinLife: 200 * time.Millisecond, MaxLife: 1500 * time.Millisecond, Messages: 3,
				ProbeDelay: time.Second, ExpireWait: 15 * time.Second, DrainWait: 5 * time.Second,
				Candidates: 10, SDPBytes: 4096, CandidateBytes: 200, Concurrency: 16,
			},
		}, nil
	case "tiny":
		relay := negotiation
		relay.Peers, relay.Warmup, relay.Duration = 4, 200*time.Millisecond, time.Second
		return Plan{
			Servers:      harness.Kinds,
			Scenarios:    []string{ScenarioRelay, ScenarioConnect, ScenarioChurn},
			Runs:         1,
			ChurnRuns:    1,
			Relay:        relay,
			ConnectSizes: []int{20},
			Connect:      loadgen.ConnectConfig{Concurrency: 8, Hold: 200 * time.Millisecond},
			Churn: loadgen.ChurnConfig{
				StablePairs: 2, RoundInterval: 100 * time.Millisecond, Duration: 1500 * time.Millisecond,
				JoinRate: 10, MinLife: 50 * time.Millisecond, MaxLife: 300 * time.Millisecond, Messages: 2,
				ProbeDelay: 500 * time.Millisecond, ExpireWait: 15 * time.Second, DrainWait: 5 * time.Second,
				Candidates: 3, SDPBytes: 4096, CandidateBytes: 200, Concurrency: 4,
			},
		}, nil
	}
	return Plan{}, fmt.Errorf("unknown preset %q (want full, tiny or decoder)", name)
}
