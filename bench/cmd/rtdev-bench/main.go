package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/rtdev/rtdev/bench/harness"
	"github.com/rtdev/rtdev/bench/report"
	"github.com/rtdev/rtdev/bench/suite"
)

func main() {
	os.Exit(run(os.Args[1:]))
}

type options struct {
	preset, servers, scenarios, connectSizes string
	runs, churnRuns, relayPeers              int
	relayDuration, churnDuration             time.Duration
	relayPeerRate                            float64
	rtdevBin, floorBin, peerjsDir, node      string
	rtdevStdJSONBin                          string
	devprofBin                               string
	rtdevArgs                                multiFlag
	out, work                                string
	keep, pin                                bool
	serverCPUs, loadgenCPUs                  string
	proxy                                    proxyOptions
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, " ") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func run(args []string) int {
	var o options
	fs := flag.NewFlagSet("rtdev-bench", flag.ContinueOnError)
	fs.StringVar(&o.preset, "preset", "full", "full (make bench, ~11 min on 2 cores), tiny (smoke test) or decoder (relay on rtdev and rtdev-stdjson, ~2 min)")
	fs.StringVar(&o.servers, "servers", "", "comma list of servers (default rtdev,peerjs-server,floor)")
	fs.StringVar(&o.scenarios, "scenarios", "", "comma list of scenarios (default relay,connect,churn)")
	fs.IntVar(&o.runs, "runs", 0, "repetitions of relay and of each connect size (preset's if 0)")
	fs.IntVar(&o.churnRuns, "churn-runs", 0, "repetitions of churn (preset's if 0)")
	fs.IntVar(&o.relayPeers, "relay-peers", 0, "peers in the relay scenario (preset's if 0)")
	fs.DurationVar(&o.relayDuration, "relay-duration", 0, "measured window of a relay run (preset's if 0)")
	fs.Float64Var(&o.relayPeerRate, "relay-peer-rate", -1, "most messages/s each relay peer sends; 0 for no cap (preset's if negative)")
	fs.DurationVar(&o.churnDuration, "churn-duration", 0, "how long peers join and leave in a churn run (preset's if 0)")
	fs.StringVar(&o.connectSizes, "connect-sizes", "", "comma list of connect sizes (preset's if empty)")
	fs.StringVar(&o.rtdevBin, "rtdev", "bin/rtdev", "rtdev binary under test")
	fs.StringVar(&o.rtdevStdJSONBin, "rtdev-stdjson", "bin/rtdev-stdjson", "rtdev built with -tags rtdev_stdjson, for -servers rtdev-stdjson")
	fs.Var(&o.rtdevArgs, "rtdev-arg", "extra `rtdev serve` flag (repeatable)")
	fs.StringVar(&o.floorBin, "floor", "bin/rtdev-bench-floor", "floor server binary (cd bench && go build ./floor)")
	fs.StringVar(&o.devprofBin, "devprof", "bin/rtdev-bench-devprof", "devserver under pprof, for -servers rtdev-pprof (cd bench && go build ./devprof)")
	fs.StringVar(&o.peerjsDir, "peerjs-dir", "bench/peerjs-server", "folder with peerjs-server installed by npm ci")
	fs.StringVar(&o.node, "node", "node", "node binary")
	fs.StringVar(&o.out, "out", "bench/results", "folder for results.json, table.txt, table.md, chart.svg")
	fs.StringVar(&o.work, "work", "", "scratch folder for the CA, project and server logs (default: a temporary one)")
	fs.BoolVar(&o.keep, "keep", false, "keep the scratch folder (server logs) afterwards")
	fs.BoolVar(&o.pin, "pin", true, "pin servers and load generator to separate cores when there are 2 or more")
	fs.StringVar(&o.serverCPUs, "server-cpus", "", "cores for the servers (default: the upper half)")
	fs.StringVar(&o.loadgenCPUs, "loadgen-cpus", "", "cores for the load generator (default: the lower half)")
	o.proxy.register(fs)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	plan, err := buildPlan(o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "rtdev-bench:", err)
		return 2
	}
	if err := bench(o, plan); err != nil {
		fmt.Fprintln(os.Stderr, "rtdev-bench:", err)
		var missing *harness.MissingError
		if errors.As(err, &missing) {
			fmt.Fprintln(os.Stderr, "run:", missing.Hint())
		}
		return 1
	}
	return 0
}

func buildPlan(o options) (suite.Plan, error) {
	plan, err := suite.Preset(o.preset)
	if err != nil {
		return plan, err
	}
	if o.servers != "" {
		plan.Servers = nil
		for _, s := range strings.Split(o.servers, ",") {
			k, err := harness.ParseKind(strings.TrimSpace(s))
			if err != nil {
				return plan, err
			}
			plan.Servers = append(plan.Servers, k)
		}
	}
	if o.scenarios != "" {
		plan.Scenarios = nil
		for _, s := range strings.Split(o.scenarios, ",") {
			s = strings.TrimSpace(s)
			if s != suite.ScenarioRelay && s != suite.ScenarioConnect && s != suite.ScenarioChurn && s != suite.ScenarioProxy {
				return plan, fmt.Errorf("unknown scenario %q (want relay, connect, churn or proxy)", s)
			}
			plan.Scenarios = append(plan.Scenarios, s)
		}
	}
	if o.runs > 0 {
		plan.Runs = o.runs
	}
	if o.churnRuns > 0 {
		plan.ChurnRuns = o.churnRuns
	}
	if o.relayPeers > 0 {
		plan.Relay.Peers = o.relayPeers
	}
	if o.relayDuration > 0 {
		plan.Relay.Duration = o.relayDuration
	}
	if o.relayPeerRate >= 0 {
		plan.Relay.PeerRate = o.relayPeerRate
	}
	if o.churnDuration > 0 {
		plan.Churn.Duration = o.churnDuration
	}
	if o.connectSizes != "" {
		sizes, err := parseInts(o.connectSizes)
		if err != nil {
			return plan, fmt.Errorf("-connect-sizes: %w", err)
		}
		plan.ConnectSizes = sizes
	}
	return plan, nil
}

func bench(o options, plan suite.Plan) error {
	// The decoder preset is one comparison, without the proxy's.
	withProxy := takeProxy(&plan, o.proxy.on && o.preset != suite.PresetDecoder)
	machine := suite.DescribeMachine()
	limit, err := harness.RaiseFDLimit()
	if err != nil {
		return err
	}
	machine.FDLimit = limit
	// Each process, the load generator and the server, holds one socket per
	// peer.
	if want := max(plan.Relay.Peers, maxConnect(plan)) + 1024; limit < uint64(want) {
		fmt.Fprintf(os.Stderr, "rtdev-bench: warning: open-file limit %d is below %d; raise it with ulimit -n\n", limit, want)
	}
	if o.pin && runtime.NumCPU() >= 2 {
		srvCPUs, genCPUs, err := cpuSplit(o.serverCPUs, o.loadgenCPUs, runtime.NumCPU())
		if err != nil {
			return err
		}
		if err := harness.PinSelf(genCPUs); err != nil {
			return err
		}
		machine.ServerCPUs, machine.LoadgenCPUs = srvCPUs, genCPUs
	}
	work := o.work
	if work == "" {
		if work, err = os.MkdirTemp("", "rtdev-bench-"); err != nil {
			return err
		}
	}
	if !o.keep && o.work == "" {
		defer os.RemoveAll(work)
	}
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			return p
		}
		return a
	}
	env := &harness.Env{
		Dir: work, RtdevBin: abs(o.rtdevBin), RtdevStdJSONBin: abs(o.rtdevStdJSONBin), RtdevArgs: o.rtdevArgs, FloorBin: abs(o.floorBin),
		PeerJSDir: abs(o.peerjsDir), Node: o.node, CPUs: machine.ServerCPUs,
		DevprofBin: abs(o.devprofBin), ProfilePeers: maxConnect(plan),
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	logf := func(format string, args ...any) {
		fmt.Fprintf(os.Stderr, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
	}
	var res *report.Results
	if len(plan.Scenarios) > 0 {
		res, err = suite.Run(ctx, env, plan, machine, logf)
	}
	if res != nil {
		if werr := report.Write(o.out, res); werr != nil && err == nil {
			err = werr
		}
		fmt.Print(report.Text(res))
		fmt.Fprintf(os.Stderr, "results in %s (server logs: %s)\n", o.out, logsNote(work, o))
	}
	if withProxy && ctx.Err() == nil {
		err = errors.Join(err, benchProxy(ctx, o, env.RtdevBin, machine, work, logf))
	}
	return err
}

func logsNote(work string, o options) string {
	if o.keep || o.work != "" {
		return filepath.Join(work, "logs")
	}
	return "removed; use -keep"
}

// maxConnect is the largest connect size the plan runs, 0 for none;
// rtdev-pprof takes its heap profile there.
func maxConnect(plan suite.Plan) int {
	if !plan.Has(suite.ScenarioConnect) || len(plan.ConnectSizes) == 0 {
		return 0
	}
	return slices.Max(plan.ConnectSizes)
}

// cpuSplit gives the servers the upper half of the cores and the load
// generator the lower half, unless told otherwise.
func cpuSplit(server, loadgen string, n int) ([]int, []int, error) {
	var srv, gen []int
	for c := range n {
		if c < n/2 {
			gen = append(gen, c)
		} else {
			srv = append(srv, c)
		}
	}
	var err error
	if server != "" {
		if srv, err = parseInts(server); err != nil {
			return nil, nil, fmt.Errorf("-server-cpus: %w", err)
		}
	}
	if loadgen != "" {
		if gen, err = parseInts(loadgen); err != nil {
			return nil, nil, fmt.Errorf("-loadgen-cpus: %w", err)
		}
	}
	return srv, gen, nil
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%q is not a list of numbers", s)
		}
		out = append(out, n)
	}
	return out, nil
}
