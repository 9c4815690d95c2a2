//go:build !linux

package harness

import (
	"errors"
	"fmt"
)

// PinSelf needs sched_setaffinity; the benchmark runs on Linux only.
func PinSelf(cpus []int) error {
	return fmt.Errorf("pin load generator: %w", errors.ErrUnsupported)
}

// RaiseFDLimit is Linux only, like the rest of the benchmark.
func RaiseFDLimit() (uint64, error) {
	return 0, fmt.Errorf("raise open-file limit: %w", errors.ErrUnsupported)
}
