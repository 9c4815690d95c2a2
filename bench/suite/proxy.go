package suite

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/rtdev/rtdev/bench/harness"
	"github.com/rtdev/rtdev/bench/loadgen"
	"github.com/rtdev/rtdev/bench/report"
)

// ScenarioProxy is the proxy-overhead benchmark: the same echo load
// straight to a plain backend and through `rtdev proxy`, in one run.
const ScenarioProxy = "proxy"

// ProxyPlan is what the proxy scenario runs: each test Runs times on each
// path.
type ProxyPlan struct {
	Runs  int                  `json:"runs"`
	Tests []loadgen.EchoConfig `json:"tests"`
}

// ProxyPreset: "full" is the part of `make bench` (about 3 minutes), "tiny"
// the smoke run of the Go test (a few seconds of load).
func ProxyPreset(name string) (ProxyPlan, error) {
	var runs int
	var warmup, window time.Duration
	// 32 ping-pong clients: a page with many open sockets, or several tabs;
	// 1 client: the latency one message sees on an idle proxy.
	clients := []int{1, 32, 16}
	switch name {
	case "full":
		runs, warmup, window = 3, time.Second, 5*time.Second
	case "tiny":
		runs, warmup, window = 1, 100*time.Millisecond, 400*time.Millisecond
		clients = []int{1, 4, 2}
	default:
		return ProxyPlan{}, fmt.Errorf("unknown preset %q (want full or tiny)", name)
	}
	test := func(kind string, clients, size int) loadgen.EchoConfig {
		return loadgen.EchoConfig{Test: kind, Clients: clients, MessageBytes: size, Warmup: warmup, Duration: window}
	}
	return ProxyPlan{Runs: runs, Tests: []loadgen.EchoConfig{
		test(loadgen.EchoPingPong, clients[0], 1<<10),
		test(loadgen.EchoPingPong, clients[1], 1<<10),
		test(loadgen.EchoStream, 1, 1<<10),
		test(loadgen.EchoStream, 1, 64<<10),
		test(loadgen.EchoHTTP, clients[2], 1<<10),
	}}, nil
}

// RunProxy prepares env (its own project and CA), starts the echo backend
// echoBin and `rtdev proxy` in front of it, and runs plan against both
// paths. Direct and proxied alternate which goes first from one run to the
// next, so a busy spell on the machine lands on both alike.
func RunProxy(ctx context.Context, env *harness.Env, plan ProxyPlan, echoBin string, m report.Machine, logf Logf) (res *report.ProxyResults, err error) {
	start := time.Now()
	if _, err := env.Prepare(ctx); err != nil {
		return nil, err
	}
	res = &report.ProxyResults{Started: start, Machine: m, Versions: env.Versions(ctx), Plan: plan, LoadAvg: []string{loadAvg()}}
	echo, err := env.StartEcho(ctx, echoBin, 1)
	if err != nil {
		return nil, err
	}
	defer stopInto(echo, &err)
	proxy, err := env.StartProxy(ctx, echo.Addr, 2)
	if err != nil {
		return nil, err
	}
	defer stopInto(proxy, &err)
	logf("proxy: echo backend on %s, rtdev proxy on %s", echo.Addr, proxy.Addr)

	both := usageSum{echo, proxy}
	targets := map[string]loadgen.Target{
		report.ViaDirect:  {Addr: echo.Addr, Meter: both},
		report.ViaProxied: {Addr: proxy.Addr, ServerName: harness.ServerName, TLS: env.TLSConfig(), Meter: both},
	}
	for run := range plan.Runs {
		order := []string{report.ViaDirect, report.ViaProxied}
		if run%2 == 1 {
			order[0], order[1] = order[1], order[0]
		}
		for _, tc := range plan.Tests {
			for _, via := range order {
				what := fmt.Sprintf("%s %s, %d clients, %d B, run %d/%d", via, tc.Test, tc.Clients, tc.MessageBytes, run+1, plan.Runs)
				logf("proxy: %s", what)
				x, err := loadgen.Echo(ctx, targets[via], tc)
				if ctx.Err() != nil {
					return res, ctx.Err()
				}
				if err != nil {
					res.Failed = append(res.Failed, fmt.Sprintf("%s: %v", what, err))
					logf("  failed: %v", err)
					continue
				}
				x.Via = via
				res.Runs = append(res.Runs, x)
				logf("  %.0f/s, %.1f MiB/s, p50 %.3f ms p99 %.3f ms, server cpu %.2f s, errors %d",
					x.OpsPerSec, x.MiBPerSec, x.LatencyP50Ms, x.LatencyP99Ms, x.ServerCPUSeconds, x.ErrorCount)
			}
		}
	}
	res.DurationSeconds = time.Since(start).Seconds()
	res.LoadAvg = append(res.LoadAvg, loadAvg())
	res.Summary = report.SummarizeProxy(res)
	return res, nil
}

// stopInto stops s and, if it had died during the run, makes that the
// run's error: numbers measured against a crashed proxy mean nothing.
func stopInto(s *harness.Server, err *error) {
	if serr := s.Stop(stopGrace); serr != nil && *err == nil {
		*err = serr
	}
}

// usageSum meters several processes as one: the server side of a proxied
// round trip is the backend and the proxy together.
type usageSum []*harness.Server

func (u usageSum) Usage() (harness.Usage, error) {
	var total harness.Usage
	var errs []error
	for _, s := range u {
		x, err := s.Usage()
		errs = append(errs, err)
		total.CPU += x.CPU
		total.RSS += x.RSS
		total.PeakRSS += x.PeakRSS
	}
	return total, errors.Join(errs...)
}
