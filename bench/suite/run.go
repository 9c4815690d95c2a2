package suite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/rtdev/rtdev/bench/harness"
	"github.com/rtdev/rtdev/bench/loadgen"
	"github.com/rtdev/rtdev/bench/report"
)

// stopGrace is how long a server gets to end after SIGTERM.
const stopGrace = 15 * time.Second

// Logf receives progress lines.
type Logf func(format string, args ...any)

// Run prepares env and runs plan. A server that cannot be started at all
// (a missing binary or npm package) is an error; a run that fails is
// recorded in the results and the plan goes on.
func Run(ctx context.Context, env *harness.Env, plan Plan, m report.Machine, logf Logf) (*report.Results, error) {
	start := time.Now()
	if _, err := env.Prepare(ctx); err != nil {
		return nil, err
	}
	res := &report.Results{Started: start, Machine: m, Versions: env.Versions(ctx), Plan: plan, LoadAvg: []string{loadAvg()}}
	for _, k := range plan.Servers {
		res.Server(string(k))
	}
	r := &runner{env: env, res: res, logf: logf}
	if plan.Has(ScenarioRelay) {
		if err := r.rounds(ctx, plan.Servers, plan.Runs, "relay", func(t loadgen.Target, sr *report.ServerResults) error {
			x, err := loadgen.Relay(ctx, t, plan.Relay)
			if err == nil {
				sr.Relay = append(sr.Relay, x)
				logf("  %.0f msg/s, latency p50 %.2f ms p99 %.2f ms, server cpu %.2f s/100k, peers lost %d",
					x.MessagesPerSec, x.LatencyP50Ms, x.LatencyP99Ms, x.ServerCPUPer100k, x.PeersLost)
			}
			return err
		}); err != nil {
			return res, err
		}
	}
	// The cluster is measured on relay only: its point is the cost of a
	// message crossing instances; connections and churn are each
	// instance's own, as on one server. rtdev-stdjson differs from rtdev
	// only in how it decodes a relayed frame.
	servers := slices.DeleteFunc(slices.Clone(plan.Servers), func(k harness.Kind) bool {
		return k == harness.RtdevCluster || k == harness.RtdevStdJSON
	})
	if plan.Has(ScenarioConnect) {
		for _, size := range plan.ConnectSizes {
			cfg := plan.Connect
			cfg.Peers = size
			if err := r.rounds(ctx, servers, plan.Runs, fmt.Sprintf("connect %d", size), func(t loadgen.Target, sr *report.ServerResults) error {
				x, err := loadgen.Connect(ctx, t, cfg)
				if err == nil {
					sr.AddConnect(x)
					logf("  %d/%d open in %.2f s (%.0f/s), held %d, peak rss %.1f MiB, %.1f KiB/conn",
						x.Opened, x.Peers, x.Seconds, x.ConnPerSec, x.Held, float64(x.PeakRSS)/(1<<20), x.RSSPerConn/1024)
				}
				return err
			}); err != nil {
				return res, err
			}
		}
	}
	if plan.Has(ScenarioChurn) {
		// The floor has no offline queue, so no EXPIRE to check.
		servers := slices.DeleteFunc(servers, func(k harness.Kind) bool { return k == harness.Floor })
		if err := r.rounds(ctx, servers, plan.ChurnRuns, "churn", func(t loadgen.Target, sr *report.ServerResults) error {
			x, err := loadgen.Churn(ctx, t, plan.Churn)
			if err == nil {
				sr.Churn = append(sr.Churn, x)
				logf("  passed %v: %d joined, %d/%d delivered, %d/%d EXPIRE %v",
					x.Passed, x.Joined, x.Delivered, x.Sent, x.Expired, x.Probes, x.Problems)
			}
			return err
		}); err != nil {
			return res, err
		}
	}
	res.DurationSeconds = time.Since(start).Seconds()
	res.LoadAvg = append(res.LoadAvg, loadAvg())
	res.Summary = report.Summarize(res)
	return res, ctx.Err()
}

type runner struct {
	env  *harness.Env
	res  *report.Results
	logf Logf
	seq  int
}

// rounds runs f n times against each server, interleaved: run 1 on every
// server, then run 2, and so on.
func (r *runner) rounds(ctx context.Context, servers []harness.Kind, n int, what string, f func(loadgen.Target, *report.ServerResults) error) error {
	for run := range n {
		for _, k := range servers {
			if err := r.one(ctx, k, fmt.Sprintf("%s %d/%d", what, run+1, n), f); err != nil {
				return err
			}
		}
	}
	return nil
}

// one starts a fresh server of kind, runs f against it and stops it. Only
// a server that cannot start is returned as an error; anything else that
// goes wrong is filed under the server's failures.
func (r *runner) one(ctx context.Context, kind harness.Kind, what string, f func(loadgen.Target, *report.ServerResults) error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	r.seq++
	sr := r.res.Server(string(kind))
	r.logf("%s: %s", kind, what)
	srv, err := r.start(ctx, kind)
	if err != nil {
		var missing *harness.MissingError
		if errors.As(err, &missing) {
			return err
		}
		sr.Failed = append(sr.Failed, fmt.Sprintf("%s: %v", what, err))
		r.logf("  failed to start: %v", err)
		return nil
	}
	t := loadgen.Target{Addr: srv.addrs[0], Addrs: srv.addrs, ServerName: harness.ServerName, Path: "/", Key: "peerjs", TLS: r.env.TLSConfig(), Meter: srv}
	runErr := f(t, sr)
	if kind == harness.Rtdev || kind == harness.RtdevCluster || kind == harness.RtdevStdJSON {
		if st, err := rtdevStats(ctx, r.env, srv.addrs[0]); err == nil {
			sr.Stats = append(sr.Stats, st)
		}
	}
	if err := srv.Stop(stopGrace); err != nil && runErr == nil {
		runErr = err
	}
	if runErr != nil {
		sr.Failed = append(sr.Failed, fmt.Sprintf("%s: %v", what, runErr))
		r.logf("  failed: %v", runErr)
	}
	return nil
}

// rtdevStats reads rtdev's own counters (rate-limited, evicted, relayed...)
// from its health document, to explain a run.
func rtdevStats(ctx context.Context, env *harness.Env, addr string) (map[string]any, error) {
	c := env.HTTPClient(addr)
	defer c.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://"+harness.ServerName+"/rtdev/health", nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var doc struct {
		Server  map[string]any `json:"server"`
		Cluster map[string]any `json:"cluster"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		return nil, fmt.Errorf("rtdev health: %w", err)
	}
	if doc.Cluster != nil && doc.Server != nil {
		// The first instance's, which shows that the messages crossed.
		doc.Server["cluster_forwarded"] = doc.Cluster["forwarded"]
		doc.Server["cluster_received"] = doc.Cluster["received"]
	}
	return doc.Server, nil
}

// running is a started server of any kind: one process, or a cluster.
type running struct {
	addrs []string
	loadgen.Meter
	stop func(time.Duration) error
}

func (s *running) Stop(grace time.Duration) error { return s.stop(grace) }

func (r *runner) start(ctx context.Context, kind harness.Kind) (*running, error) {
	if kind == harness.RtdevCluster {
		c, err := r.env.StartCluster(ctx, r.seq)
		if err != nil {
			return nil, err
		}
		return &running{addrs: c.Addrs(), Meter: c, stop: c.Stop}, nil
	}
	s, err := r.env.Start(ctx, kind, r.seq)
	if err != nil {
		return nil, err
	}
	return &running{addrs: []string{s.Addr}, Meter: s, stop: s.Stop}, nil
}
