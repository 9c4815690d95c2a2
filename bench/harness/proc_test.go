package harness

import (
	"os"
	"testing"
	"time"
)

func TestParseStatCPU(t *testing.T) {
	tests := []struct {
		name, in string
		want     time.Duration
		wantErr  bool
	}{
		{"plain", "1234 (node) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 11 0 100 0", 3 * time.Second, false},
		{"name with spaces and parens", "99 (a (b) c) R 1 99 99 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 5 0", 100 * time.Millisecond, false},
		{"truncated", "99 (x) R 1 2", 0, true},
		{"no name", "garbage", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseStatCPU([]byte(tt.in))
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("parseStatCPU = %v, %v; want %v, error %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestStatusKB(t *testing.T) {
	status := []byte("Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n")
	if got, err := statusKB(status, "VmRSS:"); err != nil || got != 100<<20 {
		t.Errorf("VmRSS = %d, %v; want %d", got, err, 100<<20)
	}
	if got, err := statusKB(status, "VmHWM:"); err != nil || got != 200<<20 {
		t.Errorf("VmHWM = %d, %v; want %d", got, err, 200<<20)
	}
	if _, err := statusKB(status, "VmSwap:"); err == nil {
		t.Error("a missing line gave no error")
	}
	if _, err := statusKB([]byte("VmRSS: lots\n"), "VmRSS:"); err == nil {
		t.Error("a malformed line gave no error")
	}
}

// TestReadUsageSelf reads this test process from the real /proc.
func TestReadUsageSelf(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc on this system")
	}
	u, err := ReadUsage(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if u.RSS <= 0 || u.PeakRSS < u.RSS {
		t.Errorf("usage %+v: want RSS > 0 and peak >= RSS", u)
	}
}
