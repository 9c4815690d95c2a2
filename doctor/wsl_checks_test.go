package doctor

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/internal/run"
	"github.com/rtdev/rtdev/internal/testtool"
	"github.com/rtdev/rtdev/internal/wsl"
	"github.com/rtdev/rtdev/internal/wsl/wsltest"
	"github.com/rtdev/rtdev/trust"
)

// inWSL is WSL2 as doctor sees it, with no Windows calls.
var inWSL = wsl.Info{Version: 2, Distro: "Ubuntu", Automount: "/mnt/"}

// The Windows side is asked for real: the stand-in powershell.exe fetches
// the served page over TLS, trusting exactly its fake Root store. Without
// the CA there, Windows does not trust the certificate; with it, it does.
func TestCheckWSLWindowsFetch(t *testing.T) {
	w := wsltest.New(t)
	env := trust.Env{GOOS: "linux", Runner: run.ExecRunner(), Root: t.TempDir(),
		Getenv: func(k string) string { return map[string]string{"WSL_DISTRO_NAME": "Ubuntu"}[k] }}
	x := env.Interop()
	if !x.Info.InWSL() || x.Info.PowerShell == "" {
		t.Fatalf("interop %+v: the stand-ins are not found", x.Info)
	}

	c := newRTDevCA(t)
	leaf := issue(t, c, "localhost", "127.0.0.1")
	addr := serveTLS(t, listen(t, "127.0.0.1:0"), tlsCert(leaf.Key, leaf.Cert))
	_, p, _ := net.SplitHostPort(addr)
	port, _ := strconv.Atoi(p)
	o := &WSLOptions{Info: x.Info, Ports: []int{port}, Fetch: x.FetchHealth}

	f := mustFind(t, checkWSL(t.Context(), o, "/home/dev/.local/share/rtdev"), IDWSLWindowsUntrusted)
	if f.Severity != SeverityError || f.Fix != "rtdev trust install --store windows" {
		t.Errorf("untrusted finding %+v", f)
	}
	sum := sha1.Sum(c.Cert.Raw)
	if err := w.AddRoot(strings.ToUpper(hex.EncodeToString(sum[:])), c.Cert.Raw); err != nil {
		t.Fatal(err)
	}
	fs := checkWSL(t.Context(), o, "/home/dev/.local/share/rtdev")
	mustFind(t, fs, IDWSLWindowsFetchOK)
	mustNotFind(t, fs, IDWSLCARootOnWindows)
}

func TestFetchFinding(t *testing.T) {
	for _, tc := range []struct {
		fetch wsl.Fetch
		err   error
		id    string
	}{
		{fetch: wsl.Fetch{OK: true, Status: "200"}, id: IDWSLWindowsFetchOK},
		{fetch: wsl.Fetch{Status: "ProtocolError"}, id: IDWSLWindowsFetchOK},
		{fetch: wsl.Fetch{Status: "TrustFailure"}, id: IDWSLWindowsUntrusted},
		{fetch: wsl.Fetch{Status: "ConnectFailure"}, id: IDWSLWindowsUnreached},
		{fetch: wsl.Fetch{Status: "SecureChannelFailure", Message: "handshake"}, id: IDWSLWindowsFetchError},
		{err: &wsl.InteropError{Why: "powershell.exe did not answer within 30s"}, id: IDWSLInteropOff},
		{err: errors.New("odd"), id: IDWSLWindowsFetchError},
	} {
		if f := fetchFinding(9000, tc.fetch, tc.err); f.ID != tc.id {
			t.Errorf("%+v, %v: finding %s, want %s", tc.fetch, tc.err, f.ID, tc.id)
		}
	}
}

// An interop that never answers is asked once, not once per port.
func TestCheckWSLInteropOffAsksOnce(t *testing.T) {
	calls := 0
	o := &WSLOptions{Info: inWSL, Ports: []int{9000, 9001}, Fetch: func(context.Context, int) (wsl.Fetch, error) {
		calls++
		return wsl.Fetch{}, &wsl.InteropError{Why: "no answer"}
	}}
	mustFind(t, checkWSL(t.Context(), o, "/home/dev/ca"), IDWSLInteropOff)
	if calls != 1 {
		t.Errorf("fetch ran %d times", calls)
	}
}

func TestCheckWSLModeAndDrive(t *testing.T) {
	for _, m := range []wsl.Mode{{Name: "nat", Source: "default"}, {Name: "mirrored", Source: "wslinfo --networking-mode"}} {
		o := &WSLOptions{Info: inWSL, Mode: func(context.Context) (wsl.Mode, error) { return m, nil }}
		fs := checkWSL(t.Context(), o, "/mnt/c/Users/dev/rtdev")
		f := mustFind(t, fs, IDWSLMode)
		if !strings.Contains(strings.ToLower(f.Message), m.Name) || f.Details["source"] != m.Source {
			t.Errorf("mode finding %+v", f)
		}
		d := mustFind(t, fs, IDWSLCARootOnWindows)
		if !strings.Contains(d.Message, "C:") || d.Fix != "unset RTDEV_CAROOT && rtdev init" {
			t.Errorf("drive finding %+v", d)
		}
	}
	if fs := checkWSL(t.Context(), &WSLOptions{}, "/mnt/c/x"); len(fs) != 0 {
		t.Errorf("outside WSL: %v", describe(fs))
	}
}

func TestWindowsStoreMismatch(t *testing.T) {
	r := trust.Result{Store: trust.StoreWindows, Location: `CurrentUser\Root`, State: trust.Missing, OtherCAs: []string{"AB12"}, Command: trust.WindowsInstallCommand}
	f := trustFinding(r, true)
	if f.ID != IDWSLCAMismatch || f.Severity != SeverityError || f.Fix != "rtdev trust install --store windows" || !strings.Contains(f.Message, "AB12") {
		t.Errorf("finding %+v", f)
	}
	r.State, r.OtherCAs = trust.Declined, nil
	if f := trustFinding(r, true); f.ID != IDCANotTrusted || f.Fix != "rtdev trust install --store windows" {
		t.Errorf("declined: finding %+v", f)
	}
}

// rtdev on Windows on a project inside WSL: the fix runs rtdev inside WSL
// in that folder. The printed line is run as printed, by a shell, with a
// stand-in wsl.exe that records its arguments, and the folder it names is
// checked again from inside WSL.
func TestProjectInWSL(t *testing.T) {
	sh := testtool.Need(t, "sh")
	fs := checkProjectInWSL(`\\wsl.localhost\Ubuntu-24.04\home\dev\my app`)
	f := mustFind(t, fs, IDWSLProjectInWSL)
	if f.Fix != "wsl.exe -d Ubuntu-24.04 --cd '/home/dev/my app' -e sh -lc 'rtdev doctor'" {
		t.Fatalf("fix = %q", f.Fix)
	}
	// The fix as printed, through a stand-in wsl.exe that plays the
	// distribution: its root is a folder, the command runs with the plain
	// PATH of a non-login shell, and the home's .profile is Ubuntu's, which
	// puts ~/.local/bin (where rtdev's install puts it) on PATH.
	bin, distro := t.TempDir(), t.TempDir()
	home := filepath.Join(distro, "home", "dev")
	log := filepath.Join(t.TempDir(), "ran")
	for path, text := range map[string]string{
		filepath.Join(bin, "wsl.exe"): "#!/bin/sh\nset -e\n[ \"$1\" = -d ] && [ \"$2\" = Ubuntu-24.04 ] && [ \"$3\" = --cd ] && [ \"$5\" = -e ]\n" +
			"cd \"" + distro + "$4\"\nshift 5\nexec env -i HOME=\"" + home + "\" PATH=/usr/bin:/bin \"$@\"\n",
		filepath.Join(home, ".profile"):               "if [ -d \"$HOME/.local/bin\" ] ; then\n    PATH=\"$HOME/.local/bin:$PATH\"\nfi\n",
		filepath.Join(home, ".local", "bin", "rtdev"): "#!/bin/sh\necho \"$PWD $*\" > \"" + log + "\"\n",
		filepath.Join(home, "my app", ".keep"):        "",
	} {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(sh, "-c", f.Fix)
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v: %s", f.Fix, err, out)
	}
	ran, _ := os.ReadFile(log)
	if got := strings.TrimSpace(string(ran)); got != filepath.Join(home, "my app")+" doctor" {
		t.Errorf("the fix ran %q, want rtdev doctor in the project folder", got)
	}
	if fs := checkProjectInWSL("/home/dev/my app"); len(fs) != 0 {
		t.Errorf("inside WSL the same folder is still named: %v", describe(fs))
	}
	if fs := checkProjectInWSL(`C:\Users\dev\app`); len(fs) != 0 {
		t.Errorf("a Windows folder is named: %v", describe(fs))
	}
}
