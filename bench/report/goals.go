package report

import (
	"fmt"
	"math"
)

// Goal is one of the targets rtdev serve is held to (goals lists them:
// relay throughput at least 5× peerjs-server's, p99 latency at most 0.20×,
// ...), judged on ratios measured in the same run.
type Goal struct {
	Name   string  `json:"name"`
	Target string  `json:"target"`
	Value  float64 `json:"value"` // the measured ratio or count; NaN when not measured
	Shown  string  `json:"shown"`
	Met    bool    `json:"met"`
}

// goal judges v. encoding/json cannot encode NaN, so an unmeasured Value
// is stored as -1 and Shown says "not measured".
func goal(name, target string, v float64, met func(float64) bool, show func(float64) string) Goal {
	g := Goal{Name: name, Target: target, Value: v}
	if math.IsNaN(v) {
		g.Value, g.Shown = -1, "not measured"
		return g
	}
	g.Shown, g.Met = show(v), met(v)
	return g
}

func times(v float64) string { return fmt.Sprintf("%.2f×", v) }

func goals(s *Summary) []Goal {
	rt, pj, fl := s.Find(nameRtdev), s.Find(namePeerJS), s.Find(nameFloor)
	med := func(ss *ServerSummary, f func(*ServerSummary) Stat) float64 {
		if ss == nil || f(ss).N == 0 {
			return math.NaN()
		}
		return f(ss).Median
	}
	thr := func(ss *ServerSummary) Stat { return ss.RelayMsgPerSec }
	p99 := func(ss *ServerSummary) Stat { return ss.RelayP99Ms }
	rss := func(ss *ServerSummary) Stat {
		if c := ss.largest(); c != nil {
			return c.RSSPerConn
		}
		return Stat{}
	}
	var gs []Goal
	gs = append(gs, goal("relay throughput, rtdev / peerjs-server", "≥ 5×",
		ratio(med(rt, thr), med(pj, thr)), func(v float64) bool { return v >= 5 }, times))
	gs = append(gs, goal("relay p99 latency, rtdev / peerjs-server", "≤ 0.20×",
		ratio(med(rt, p99), med(pj, p99)), func(v float64) bool { return v <= 0.2 }, times))
	gs = append(gs, goal("RSS per idle connection, rtdev / peerjs-server", "≤ 0.33×",
		ratio(med(rt, rss), med(pj, rss)), func(v float64) bool { return v <= 1.0/3 }, times))
	held := math.NaN()
	if c := rt.connectAt(10000); c != nil {
		held = 0
		if c.AllHeld {
			held = 1
		}
	}
	gs = append(gs, goal("10k concurrent peers held by rtdev", "all runs",
		held, func(v float64) bool { return v == 1 }, func(v float64) string {
			if v == 1 {
				return "held"
			}
			return "not held"
		}))
	gs = append(gs, goal("relay throughput, rtdev / floor", "≥ 0.80×",
		ratio(med(rt, thr), med(fl, thr)), func(v float64) bool { return v >= 0.8 }, times))
	churn := math.NaN()
	if rt != nil && rt.ChurnRuns > 0 {
		churn = float64(rt.ChurnPassed) / float64(rt.ChurnRuns)
	}
	gs = append(gs, goal("churn checks passed by rtdev", "all runs",
		churn, func(v float64) bool { return v == 1 }, func(v float64) string {
			return fmt.Sprintf("%d of %d runs", rt.ChurnPassed, rt.ChurnRuns)
		}))
	return gs
}
