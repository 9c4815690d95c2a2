package loadgen

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/rtdev/rtdev/bench/harness"
)

// windowUsage is what one measured window cost.
type windowUsage struct {
	window     time.Duration
	serverCPU  time.Duration // the Meter's processes
	loadgenCPU time.Duration // this process
	end        harness.Usage // the Meter's reading at the end
}

// measureWindow opens the measured window (phase becomes phaseWindow),
// keeps it open for d and closes it (phaseDrain), reading the server's and
// the load generator's usage on both sides. It fails if ctx ends first:
// a cut window measures nothing.
func measureWindow(ctx context.Context, m Meter, d time.Duration, phase *atomic.Int32) (windowUsage, error) {
	u0, err := meterSample(m)
	if err != nil {
		return windowUsage{}, err
	}
	self0, t0 := selfCPU(), time.Now()
	phase.Store(phaseWindow)
	ok := sleepCtx(ctx, d)
	phase.Store(phaseDrain)
	w := windowUsage{window: time.Since(t0), loadgenCPU: selfCPU() - self0}
	if w.end, err = meterSample(m); err != nil {
		return windowUsage{}, err
	}
	if !ok {
		return windowUsage{}, ctx.Err()
	}
	w.serverCPU = w.end.CPU - u0.CPU
	return w, nil
}
