package wsl

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rtdev/rtdev/internal/run"
	"github.com/rtdev/rtdev/internal/wsl/wsltest"
)

// standIn puts the stand-in Windows programs first on PATH and returns an
// Interop that runs them for real.
func standIn(t *testing.T) (*wsltest.Windows, Interop) {
	t.Helper()
	w := wsltest.New(t)
	info := Info{Version: 2, Distro: "Ubuntu", PowerShell: filepath.Join(w.Bin, "powershell.exe"), WSLPath: filepath.Join(w.Bin, "wslpath")}
	return w, Interop{Runner: run.ExecRunner(), Info: info}
}

func set(t *testing.T, w *wsltest.Windows, kv ...string) {
	t.Helper()
	for i := 0; i < len(kv); i += 2 {
		if err := w.Set(kv[i], kv[i+1]); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRunEncodings(t *testing.T) {
	w, x := standIn(t)
	for _, enc := range []string{"", "utf16bom", "utf16", "nul"} {
		set(t, w, "encoding", enc)
		ans, err := x.Run(t.Context(), RootStatus, Var{Name: "rtdevThumbprint", Value: "ABCDEF"})
		if err != nil {
			t.Fatalf("%s: %v", enc, err)
		}
		if _, ok := ans.Find("missing"); !ok {
			t.Errorf("%s: answer %+v has no missing line", enc, ans)
		}
	}
	calls, err := w.Calls()
	if err != nil || len(calls) != 4 {
		t.Fatalf("calls = %v, %v", calls, err)
	}
	c := calls[0]
	if !slices.Equal(c.Argv, []string{"powershell.exe", "-NoProfile", "-NonInteractive", "-Command", "-"}) {
		t.Errorf("argv = %q", c.Argv)
	}
	if c.Stdin != "$rtdevThumbprint = 'ABCDEF'\n"+RootStatus.Text {
		t.Errorf("stdin = %q", c.Stdin)
	}
}

// With interop off powershell.exe may never answer: the timeout ends the
// call with a message that says so.
func TestRunTimeout(t *testing.T) {
	w, x := standIn(t)
	set(t, w, "hang", "1")
	x.Timeout = 300 * time.Millisecond
	start := time.Now()
	_, err := x.Run(t.Context(), RootStatus, Var{Name: "rtdevThumbprint", Value: "AB"})
	var ie *InteropError
	if !errors.As(err, &ie) || !strings.Contains(err.Error(), "did not answer within 300ms") || !strings.Contains(ie.Hint(), "[interop] enabled=true") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("the call took %v", d)
	}
}

func TestRunWithoutInterop(t *testing.T) {
	for _, info := range []Info{{Version: 2}, {Version: 2, PowerShell: "/bin/true", InteropOff: "/etc/wsl.conf turns interop off"}} {
		_, err := Interop{Runner: run.ExecRunner(), Info: info}.Run(context.Background(), RootStatus)
		var ie *InteropError
		if !errors.As(err, &ie) {
			t.Errorf("%+v: err = %v", info, err)
		}
	}
}

func TestNetworkingMode(t *testing.T) {
	w, x := standIn(t)
	set(t, w, "networking", "mirrored")
	m, err := x.NetworkingMode(t.Context())
	if err != nil || m.Name != ModeMirrored || m.Source != "wslinfo --networking-mode" || !m.Mirrored() {
		t.Fatalf("mode = %+v, %v", m, err)
	}
	// No wslinfo option: .wslconfig in the Windows profile, found through
	// PowerShell and wslpath; a profile with a space and a non-ASCII name.
	set(t, w, "networking", "", "profile", `C:\Users\Zoë Dev`)
	m, err = x.NetworkingMode(t.Context())
	if err != nil || m.Name != ModeNAT || m.Source != "default" || !m.NAT() {
		t.Fatalf("no .wslconfig: mode = %+v, %v", m, err)
	}
	conf := filepath.Join(w.Bin, "mnt", "c", "Users", "Zoë Dev", ".wslconfig")
	if err := os.MkdirAll(filepath.Dir(conf), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(conf, []byte("[wsl2]\r\nmemory=8GB\r\nnetworkingMode = Mirrored\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err = x.NetworkingMode(t.Context())
	if err != nil || m.Name != ModeMirrored || m.Source != conf {
		t.Fatalf(".wslconfig: mode = %+v, %v", m, err)
	}
	x.Info.Version = 1
	if m, _ := x.NetworkingMode(t.Context()); m.Name != ModeWSL1 {
		t.Errorf("wsl1: mode = %+v", m)
	}
}

func TestWindowsLANAddrs(t *testing.T) {
	w, x := standIn(t)
	set(t, w, "lan", "192.168.1.20,169.254.3.4,192.168.1.20,not-an-ip,10.0.0.7", "encoding", "utf16bom")
	ips, err := x.WindowsLANAddrs(t.Context())
	if err != nil || len(ips) != 2 || ips[0].String() != "192.168.1.20" || ips[1].String() != "10.0.0.7" {
		t.Fatalf("addrs = %v, %v", ips, err)
	}
}
