package loadgen

import (
	"os"
	"slices"
	"sync"
	"time"

	"github.com/rtdev/rtdev/bench/harness"
)

// percentile returns the p-th percentile (0..100) of sorted samples by the
// nearest-rank method, or 0 for none.
func percentile(sorted []int64, p float64) int64 {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(p/100*float64(len(sorted)) + 0.999999)
	rank = min(max(rank, 1), len(sorted))
	return sorted[rank-1]
}

// latencySummary merges per-peer samples (nanoseconds) into p50 and p99 in
// milliseconds.
func latencySummary(perPeer [][]int64) (p50, p99 float64) {
	var all []int64
	for _, s := range perPeer {
		all = append(all, s...)
	}
	slices.Sort(all)
	ms := func(ns int64) float64 { return float64(ns) / 1e6 }
	return ms(percentile(all, 50)), ms(percentile(all, 99))
}

// meterSample reads the server's usage, or the zero Usage without a meter.
func meterSample(m Meter) (harness.Usage, error) {
	if m == nil {
		return harness.Usage{}, nil
	}
	return m.Usage()
}

// selfCPU is this process's CPU time: the load generator's own cost, to show
// whether it, not the server, was the limit.
func selfCPU() time.Duration {
	u, err := harness.ReadUsage(pidSelf)
	if err != nil {
		return 0
	}
	return u.CPU
}

var pidSelf = os.Getpid()

// errorList keeps the first few distinct errors of a run for the report; it
// is safe for concurrent use.
type errorList struct {
	mu   sync.Mutex
	list []string
	n    int
}

const maxErrors = 8

func (e *errorList) add(err error) {
	if err == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.n++
	s := err.Error()
	if len(e.list) < maxErrors && !slices.Contains(e.list, s) {
		e.list = append(e.list, s)
	}
}

// snapshot returns the count and the kept errors.
func (e *errorList) snapshot() (int, []string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.n, slices.Clone(e.list)
}
