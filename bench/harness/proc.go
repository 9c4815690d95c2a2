package harness

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"time"
)

// Usage is a process's resource use at one moment, from /proc/PID/stat and
// /proc/PID/status.
type Usage struct {
	CPU     time.Duration // user + system time of all its threads
	RSS     int64         // VmRSS, bytes
	PeakRSS int64         // VmHWM (the RSS high-water mark), bytes
}

// clockTick is USER_HZ, the unit of utime and stime in /proc/PID/stat. It is
// 100 on every Linux architecture Go supports (the kernel ABI fixes it, see
// proc(5)), so there is no need for sysconf(_SC_CLK_TCK) and cgo.
const clockTick = 10 * time.Millisecond

// ReadUsage reads pid's CPU time and memory.
func ReadUsage(pid int) (Usage, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return Usage{}, fmt.Errorf("read cpu time of %d: %w", pid, err)
	}
	cpu, err := parseStatCPU(stat)
	if err != nil {
		return Usage{}, fmt.Errorf("read cpu time of %d: %w", pid, err)
	}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return Usage{}, fmt.Errorf("read memory of %d: %w", pid, err)
	}
	u := Usage{CPU: cpu}
	if u.RSS, err = statusKB(status, "VmRSS:"); err != nil {
		return Usage{}, fmt.Errorf("read memory of %d: %w", pid, err)
	}
	if u.PeakRSS, err = statusKB(status, "VmHWM:"); err != nil {
		return Usage{}, fmt.Errorf("read memory of %d: %w", pid, err)
	}
	return u, nil
}

// parseStatCPU returns utime+stime (fields 14 and 15) of a /proc/PID/stat
// line. The command name (field 2) is in parentheses and may itself hold
// spaces and parentheses, so the fields are counted after the last ')'.
func parseStatCPU(stat []byte) (time.Duration, error) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("malformed stat line %q", stat)
	}
	f := bytes.Fields(stat[i+1:])
	// f[0] is field 3 (state), so field n is f[n-3].
	if len(f) < 13 {
		return 0, fmt.Errorf("stat line has %d fields after the name, want at least 13", len(f))
	}
	var ticks int64
	for _, s := range f[11:13] {
		n, err := strconv.ParseInt(string(s), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("stat cpu field %q: %w", s, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * clockTick, nil
}

// statusKB returns the value of a "Name:   123 kB" line of /proc/PID/status
// in bytes.
func statusKB(status []byte, name string) (int64, error) {
	for line := range bytes.Lines(status) {
		rest, ok := bytes.CutPrefix(line, []byte(name))
		if !ok {
			continue
		}
		f := bytes.Fields(rest)
		if len(f) != 2 || string(f[1]) != "kB" {
			return 0, fmt.Errorf("malformed status line %q", bytes.TrimSpace(line))
		}
		n, err := strconv.ParseInt(string(f[0]), 10, 64)
		if err != nil {
			return 0, fmt.Errorf("status %s: %w", name, err)
		}
		return n << 10, nil
	}
	return 0, fmt.Errorf("no %s line in status", name)
}
