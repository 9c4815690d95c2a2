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

	ips, err := x.WindowsHostAddrs(t.Context(), dir)
	if err != nil || len(ips) != 1 || ips[0].String() != "192.168.1.20" {
		t.Fatalf("answered: %v, %v", ips, err)
	}
	if _, err := os.Stat(memo); err != nil {
		t.Fatalf("not kept: %v", err)
	}

	set(t, w, "interop", "off")
	ips, err = x.WindowsHostAddrs(t.Context(), dir)
	if err == nil || len(ips) != 1 || ips[0].String() != "192.168.1.20" {
		t.Fatalf("interop off: %v, %v", ips, err)
	}

	// A kept file is taken as WindowsLANAddrs would take an answer.
	if err := os.WriteFile(memo, []byte(`["10.0.0.7","127.0.0.1","169.254.1.1","x","10.0.0.7","::1"]`), 0o644); err != nil {
		t.Fatal(err)
	}
	if ips, _ = x.WindowsHostAddrs(t.Context(), dir); len(ips) != 1 || ips[0].String() != "10.0.0.7" {
		t.Fatalf("kept file read as %v", ips)
	}
	if err := os.WriteFile(memo, []byte("not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if ips, err = x.WindowsHostAddrs(t.Context(), dir); len(ips) != 0 || err == nil {
		t.Fatalf("broken kept file: %v, %v", ips, err)
	}

	set(t, w, "interop", "on", "networking", "mirrored")
	if ips, err = x.WindowsHostAddrs(t.Context(), dir); len(ips) != 0 || err != nil {
		t.Fatalf("mirrored: %v, %v", ips, err)
	}
	if _, err := os.Stat(memo); !os.IsNotExist(err) {
		t.Errorf("mirrored mode left the kept addresses: %v", err)
	}
}
