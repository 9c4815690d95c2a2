package wsl

import (
	"os"
	"path/filepath"
	"testing"
)

// Windows' answer is kept; when Windows stops answering the kept addresses
// stand in, a kept file is read as input, and mirrored mode drops it.
func TestWindowsHostAddrsKept(t *testing.T) {
	w, x := standIn(t)
	dir := t.TempDir()
	memo := filepath.Join(dir, HostAddrsFileName)
	set(t, w, "networking", "nat", "lan", "192.168.1.20")

	got := x.WindowsHostAddrs(t.Context(), dir)
	if got.Kept || got.Err != nil || len(got.IPs) != 1 || got.IPs[0].String() != "192.168.1.20" {
		t.Fatalf("answered: %+v", got)
	}
	if _, err := os.Stat(memo); err != nil {
		t.Fatalf("not kept: %v", err)
	}

	set(t, w, "interop", "off")
	got = x.WindowsHostAddrs(t.Context(), dir)
	if !got.Kept || got.Err == nil || len(got.IPs) != 1 || got.IPs[0].String() != "192.168.1.20" {
		t.Fatalf("interop off: %+v", got)
	}

	// A kept file is taken as WindowsLANAddrs would take an answer.
	if err := os.WriteFile(memo, []byte(`["10.0.0.7","127.0.0.1","169.254.1.1","x","10.0.0.7","::1"]`), 0o644); err != nil {
		t.Fatal(err)
	}
	got = x.WindowsHostAddrs(t.Context(), dir)
	if len(got.IPs) != 1 || got.IPs[0].String() != "10.0.0.7" {
		t.Fatalf("kept file read as %v", got.IPs)
	}
	if err := os.WriteFile(memo, []byte("not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got = x.WindowsHostAddrs(t.Context(), dir); len(got.IPs) != 0 || !got.Kept {
		t.Fatalf("broken kept file: %+v", got)
	}

	set(t, w, "interop", "on", "networking", "mirrored")
	if got = x.WindowsHostAddrs(t.Context(), dir); len(got.IPs) != 0 || got.Kept {
		t.Fatalf("mirrored: %+v", got)
	}
	if _, err := os.Stat(memo); !os.IsNotExist(err) {
		t.Errorf("mirrored mode left the kept addresses: %v", err)
	}
}
