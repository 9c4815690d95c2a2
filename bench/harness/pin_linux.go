package harness

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// PinSelf restricts every thread of this process to cpus and sets GOMAXPROCS
// to match, so the load generator stays off the cores the server runs on.
// sched_setaffinity acts on one thread, and the Go runtime has already
// started several, so each thread in /proc/self/task is set; threads started
// later inherit the mask from the thread that creates them. A second pass
// catches a thread created during the first.
func PinSelf(cpus []int) error {
	var set unix.CPUSet
	for _, c := range cpus {
		set.Set(c)
	}
	for range 2 {
		tasks, err := os.ReadDir("/proc/self/task")
		if err != nil {
			return fmt.Errorf("pin load generator: %w", err)
		}
		for _, t := range tasks {
			tid, err := strconv.Atoi(t.Name())
			if err != nil {
				continue
			}
			if err := unix.SchedSetaffinity(tid, &set); err != nil && err != unix.ESRCH {
				return fmt.Errorf("pin load generator to cpus %v: %w", cpus, err)
			}
		}
	}
	runtime.GOMAXPROCS(len(cpus))
	return nil
}

// RaiseFDLimit sets the soft open-file limit to the hard one and returns it.
// Calling Setrlimit explicitly matters: the Go runtime raises the soft limit
// for itself at start-up but restores the original one in child processes
// unless the program set it (Go 1.21 release notes, os/exec), and the
// servers under test must inherit room for 10k sockets.
func RaiseFDLimit() (uint64, error) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, fmt.Errorf("read open-file limit: %w", err)
	}
	lim.Cur = lim.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return 0, fmt.Errorf("raise open-file limit to %d: %w", lim.Max, err)
	}
	return lim.Cur, nil
}
