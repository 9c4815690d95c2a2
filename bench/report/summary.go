package report

import (
	"math"
	"slices"

	"github.com/rtdev/rtdev/bench/harness"
	"github.com/rtdev/rtdev/bench/loadgen"
)

// Server names as the harness reports them.
const (
	nameRtdev  = string(harness.Rtdev)
	namePeerJS = string(harness.PeerJS)
	nameFloor  = string(harness.Floor)
	// nameCluster's column is compared with rtdev's the other way round
	// (cluster/rtdev): the price of crossing instances.
	nameCluster = string(harness.RtdevCluster)
	// nameStdJSON's column is compared as rtdev/stdjson: what the
	// hand-written frame decoder buys over encoding/json.
	nameStdJSON = string(harness.RtdevStdJSON)
)

// Stat is one metric over the repeated runs. P99 is by nearest rank, so with
// a handful of runs it is the worst run: the honest reading of "p99" for a
// few samples.
type Stat struct {
	Median float64 `json:"median"`
	P99    float64 `json:"p99"`
	N      int     `json:"runs"`
}

// statOf summarises values; NaN-free zero Stat for none.
func statOf(vs []float64) Stat {
	if len(vs) == 0 {
		return Stat{}
	}
	s := slices.Clone(vs)
	slices.Sort(s)
	var med float64
	if n := len(s); n%2 == 1 {
		med = s[n/2]
	} else {
		med = (s[n/2-1] + s[n/2]) / 2
	}
	rank := int(math.Ceil(0.99 * float64(len(s))))
	return Stat{Median: med, P99: s[max(rank, 1)-1], N: len(s)}
}

// statBy summarises f over runs.
func statBy[T any](runs []T, f func(T) float64) Stat {
	vs := make([]float64, len(runs))
	for i, r := range runs {
		vs[i] = f(r)
	}
	return statOf(vs)
}

// Summary is the side-by-side view.
type Summary struct {
	Servers []ServerSummary `json:"servers"`
	Goals   []Goal          `json:"goals"`
}

// ServerSummary is one server's metrics.
type ServerSummary struct {
	Name           string           `json:"name"`
	RelayMsgPerSec Stat             `json:"relay_messages_per_s"`
	RelayP50Ms     Stat             `json:"relay_latency_p50_ms"`
	RelayP99Ms     Stat             `json:"relay_latency_p99_ms"`
	RelayCPU100k   Stat             `json:"relay_server_cpu_s_per_100k"`
	RelayLoadgen   Stat             `json:"relay_loadgen_cpu_share"` // load generator CPU seconds per window second
	RelayPeersLost int              `json:"relay_peers_lost"`
	RelayAtCap     int              `json:"relay_runs_at_cap"` // runs that relayed all the capped load could offer
	Connect        []ConnectSummary `json:"connect"`
	ChurnRuns      int              `json:"churn_runs"`
	ChurnPassed    int              `json:"churn_passed"`
	ChurnProblems  []string         `json:"churn_problems,omitempty"`
	Failed         []string         `json:"failed,omitempty"`
}

// ConnectSummary is the connect metrics at one size.
type ConnectSummary struct {
	Peers      int  `json:"peers"`
	ConnPerSec Stat `json:"connections_per_s"`
	Seconds    Stat `json:"seconds_to_all_open"`
	PeakRSSMiB Stat `json:"server_peak_rss_mib"`
	RSSPerConn Stat `json:"rss_per_idle_conn_kib"`
	CPUPerConn Stat `json:"server_cpu_ms_per_conn"`
	AllHeld    bool `json:"all_held"` // every run opened and held every peer
}

// Summarize computes the summary and the goals.
func Summarize(r *Results) *Summary {
	s := &Summary{}
	for _, sr := range r.Servers {
		ss := ServerSummary{
			Name:           sr.Name,
			RelayMsgPerSec: statBy(sr.Relay, func(x loadgen.RelayResult) float64 { return x.MessagesPerSec }),
			RelayP50Ms:     statBy(sr.Relay, func(x loadgen.RelayResult) float64 { return x.LatencyP50Ms }),
			RelayP99Ms:     statBy(sr.Relay, func(x loadgen.RelayResult) float64 { return x.LatencyP99Ms }),
			RelayCPU100k:   statBy(sr.Relay, func(x loadgen.RelayResult) float64 { return x.ServerCPUPer100k }),
			RelayLoadgen: statBy(sr.Relay, func(x loadgen.RelayResult) float64 {
				return x.LoadgenCPUSeconds / max(x.WindowSeconds, 1e-9)
			}),
			Failed: sr.Failed,
		}
		for _, x := range sr.Relay {
			ss.RelayPeersLost += x.PeersLost
			if x.AtCap() {
				ss.RelayAtCap++
			}
		}
		for _, lvl := range sr.Connect {
			cs := ConnectSummary{
				Peers:      lvl.Peers,
				ConnPerSec: statBy(lvl.Runs, func(x loadgen.ConnectResult) float64 { return x.ConnPerSec }),
				Seconds:    statBy(lvl.Runs, func(x loadgen.ConnectResult) float64 { return x.Seconds }),
				PeakRSSMiB: statBy(lvl.Runs, func(x loadgen.ConnectResult) float64 { return float64(x.PeakRSS) / (1 << 20) }),
				RSSPerConn: statBy(lvl.Runs, func(x loadgen.ConnectResult) float64 { return x.RSSPerConn / 1024 }),
				CPUPerConn: statBy(lvl.Runs, func(x loadgen.ConnectResult) float64 {
					return x.ServerCPUSeconds * 1000 / float64(max(x.Opened, 1))
				}),
				AllHeld: len(lvl.Runs) > 0,
			}
			for _, x := range lvl.Runs {
				cs.AllHeld = cs.AllHeld && x.Opened == x.Peers && x.Held == x.Peers
			}
			ss.Connect = append(ss.Connect, cs)
		}
		slices.SortFunc(ss.Connect, func(a, b ConnectSummary) int { return a.Peers - b.Peers })
		for _, c := range sr.Churn {
			ss.ChurnRuns++
			if c.Passed {
				ss.ChurnPassed++
			}
			for _, p := range c.Problems {
				if !slices.Contains(ss.ChurnProblems, p) {
					ss.ChurnProblems = append(ss.ChurnProblems, p)
				}
			}
		}
		s.Servers = append(s.Servers, ss)
	}
	s.Goals = goals(s)
	return s
}

// Find returns the summary of the named server, or nil.
func (s *Summary) Find(name string) *ServerSummary {
	for i := range s.Servers {
		if s.Servers[i].Name == name {
			return &s.Servers[i]
		}
	}
	return nil
}

// largest returns the connect summary with the most peers, or nil.
func (ss *ServerSummary) largest() *ConnectSummary {
	if ss == nil || len(ss.Connect) == 0 {
		return nil
	}
	return &ss.Connect[len(ss.Connect)-1]
}

// connectAt returns the connect summary for n peers, or nil.
func (ss *ServerSummary) connectAt(n int) *ConnectSummary {
	if ss == nil {
		return nil
	}
	for i := range ss.Connect {
		if ss.Connect[i].Peers == n {
			return &ss.Connect[i]
		}
	}
	return nil
}

// ratio is a/b, or NaN when either is missing.
func ratio(a, b float64) float64 {
	if a == 0 || b == 0 || math.IsNaN(a) || math.IsNaN(b) {
		return math.NaN()
	}
	return a / b
}
