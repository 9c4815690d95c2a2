package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/rtdev/rtdev/bench/harness"
	"github.com/rtdev/rtdev/bench/report"
	"github.com/rtdev/rtdev/bench/suite"
)

// proxyOptions are the flags of the proxy-overhead scenario.
type proxyOptions struct {
	on      bool
	echoBin string
	runs    int
}

func (p *proxyOptions) register(fs *flag.FlagSet) {
	fs.BoolVar(&p.on, "proxy", false, "also run the proxy-overhead scenario (bench/run.sh sets it; -scenarios proxy runs it alone)")
	fs.StringVar(&p.echoBin, "echo", "bin/rtdev-bench-echo", "echo backend binary for the proxy scenario (cd bench && go build ./echo)")
	fs.IntVar(&p.runs, "proxy-runs", 0, "repetitions of each proxy-scenario test on each path (preset's if 0)")
}

// takeProxy removes the proxy scenario from plan, which suite.Run does not
// know, and reports whether it is to run.
func takeProxy(plan *suite.Plan, flagged bool) bool {
	had := plan.Has(suite.ScenarioProxy)
	plan.Scenarios = slices.DeleteFunc(plan.Scenarios, func(s string) bool { return s == suite.ScenarioProxy })
	return had || flagged
}

// benchProxy runs the proxy scenario in its own scratch project under work
// and writes proxy.json, proxy.txt and proxy.md to o.out.
func benchProxy(ctx context.Context, o options, rtdevBin string, machine report.Machine, work string, logf suite.Logf) error {
	plan, err := suite.ProxyPreset(o.preset)
	if err != nil {
		return err
	}
	if o.proxy.runs > 0 {
		plan.Runs = o.proxy.runs
	}
	echoBin, err := filepath.Abs(o.proxy.echoBin)
	if err != nil {
		return err
	}
	env := &harness.Env{Dir: filepath.Join(work, "proxy"), RtdevBin: rtdevBin, CPUs: machine.ServerCPUs}
	res, err := suite.RunProxy(ctx, env, plan, echoBin, machine, logf)
	if res != nil {
		if werr := report.WriteProxy(o.out, res); werr != nil && err == nil {
			err = werr
		}
		fmt.Print("\n" + report.ProxyText(res))
		fmt.Fprintf(os.Stderr, "proxy results in %s (logs: %s)\n", o.out, logsNote(filepath.Join(work, "proxy"), o))
	}
	return err
}
