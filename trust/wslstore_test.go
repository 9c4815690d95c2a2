package trust

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/internal/run"
	"github.com/rtdev/rtdev/internal/wsl"
	"github.com/rtdev/rtdev/internal/wsl/wsltest"
)

// wslEnv is Linux inside WSL2 (the variables WSL's init sets) with the
// stand-in Windows programs first on PATH, run for real.
func wslEnv(t *testing.T) (Env, *wsltest.Windows) {
	t.Helper()
	w := wsltest.New(t)
	env := testEnv(t, "linux", 1000, run.ExecRunner(), map[string]string{"WSL_DISTRO_NAME": "Ubuntu", "WSL_INTEROP": "/run/WSL/8_interop"})
	return env, w
}

// quotedCA is a CA in a folder whose path has spaces and both quotes.
func quotedCA(t *testing.T) *ca.CA {
	t.Helper()
	c, err := ca.Create(filepath.Join(t.TempDir(), `my "dev" CA's folder`), ca.CreateOptions{Hostname: "devbox"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func standInCalls(t *testing.T, w *wsltest.Windows) []wsltest.Call {
	t.Helper()
	calls, err := w.Calls()
	if err != nil {
		t.Fatal(err)
	}
	return calls
}

// scriptsSent names the scripts powershell.exe received, in order, and
// checks each call's fixed command line and data.
func scriptsSent(t *testing.T, w *wsltest.Windows, c *ca.CA) []string {
	t.Helper()
	var out []string
	for _, call := range standInCalls(t, w) {
		if !slices.Equal(call.Argv, []string{"powershell.exe", "-NoProfile", "-NonInteractive", "-Command", "-"}) {
			t.Errorf("argv = %q: the command line must be fixed", call.Argv)
		}
		data := "$rtdevThumbprint = '" + sha1Hex(c) + "'\n$rtdevCert = '" + base64.StdEncoding.EncodeToString(c.Cert.Raw) + "'\n"
		body, ok := strings.CutPrefix(call.Stdin, data)
		if !ok {
			t.Errorf("stdin does not start with the CA as data: %.200q", call.Stdin)
		}
		for _, s := range wsl.Scripts {
			if body == s.Text {
				out = append(out, s.Name)
			}
		}
	}
	return out
}

func TestWSLStoreInstall(t *testing.T) {
	env, w := wslEnv(t)
	var dialogs []string
	env.BeforeDialog = func(s string) { dialogs = append(dialogs, s) }
	c := quotedCA(t)
	s := &wslStore{env: env, ca: c}

	wantState(t, one(t, s.Status(t.Context())), Missing)
	r := one(t, s.Install(t.Context()))
	wantState(t, r, Installed)
	if !strings.Contains(r.Reason, "Firefox 120+") || !r.RestartBrowser {
		t.Errorf("result %+v: want the Firefox note and a restart", r)
	}
	if len(dialogs) != 1 || !strings.Contains(dialogs[0], "Security Warning") {
		t.Errorf("dialog notices = %q", dialogs)
	}
	if tps, _ := w.Thumbprints(); !slices.Equal(tps, []string{sha1Hex(c)}) {
		t.Errorf("store = %v, want the CA", tps)
	}
	// Installed: a second install reads the store and sends no import.
	wantState(t, one(t, s.Install(t.Context())), Already)
	got := scriptsSent(t, w, c)
	want := []string{"root-status", "root-status", "root-install", "root-status"}
	if !slices.Equal(got, want) {
		t.Errorf("scripts sent = %v, want %v", got, want)
	}
	// The UTF-16 answer of Windows PowerShell with a BOM reads the same.
	if err := w.Set("encoding", "utf16bom"); err != nil {
		t.Fatal(err)
	}
	wantState(t, one(t, s.Status(t.Context())), Installed)
}

func TestWSLStoreDeclined(t *testing.T) {
	env, w := wslEnv(t)
	if err := w.Set("dialog", "no"); err != nil {
		t.Fatal(err)
	}
	s := &wslStore{env: env, ca: testCA(t)}
	r := one(t, s.Install(t.Context()))
	wantState(t, r, Declined)
	if !r.Problem() || r.Command != WindowsInstallCommand || r.Err != nil {
		t.Errorf("declined result %+v", r)
	}
	if tps, _ := w.Thumbprints(); len(tps) != 0 {
		t.Errorf("store = %v after a No", tps)
	}
}

// Under --yes the Windows store is not written: the result names the
// command to run from a terminal.
func TestWSLStoreUnattended(t *testing.T) {
	env, w := wslEnv(t)
	env.Unattended = true
	c := testCA(t)
	s := &wslStore{env: env, ca: c}
	r := one(t, s.Install(t.Context()))
	wantState(t, r, Failed)
	var ce *ConfirmError
	if !errors.As(r.Err, &ce) || r.Command != WindowsInstallCommand {
		t.Errorf("result %+v: want a ConfirmError and the command", r)
	}
	if got := scriptsSent(t, w, c); !slices.Equal(got, []string{"root-status"}) {
		t.Errorf("scripts sent = %v: only the status may run", got)
	}
	if tps, _ := w.Thumbprints(); len(tps) != 0 {
		t.Errorf("store = %v under --yes", tps)
	}
}

// Uninstall removes exactly this CA; another rtdev CA and a foreign root
// stay, and status names the other rtdev CA.
func TestWSLStoreUninstallOnlyOurs(t *testing.T) {
	env, w := wslEnv(t)
	c, other := testCA(t), testCA(t)
	foreign := []byte("not a certificate, a root rtdev never added")
	for _, der := range [][]byte{c.Cert.Raw, other.Cert.Raw, foreign} {
		sum := sha1.Sum(der)
		if err := w.AddRoot(strings.ToUpper(hex.EncodeToString(sum[:])), der); err != nil {
			t.Fatal(err)
		}
	}
	s := &wslStore{env: env, ca: c}
	r := one(t, s.Status(t.Context()))
	wantState(t, r, Installed)
	if !slices.Equal(r.OtherCAs, []string{sha1Hex(other)}) {
		t.Errorf("other CAs = %v, want %s", r.OtherCAs, sha1Hex(other))
	}
	wantState(t, one(t, s.Uninstall(t.Context())), Removed)
	tps, _ := w.Thumbprints()
	if len(tps) != 2 || slices.Contains(tps, sha1Hex(c)) || !slices.Contains(tps, sha1Hex(other)) {
		t.Errorf("store after uninstall = %v", tps)
	}
	wantState(t, one(t, s.Uninstall(t.Context())), Missing)
	st := one(t, s.Status(t.Context()))
	wantState(t, st, Missing)
	if !strings.Contains(st.Reason, "another rtdev CA") {
		t.Errorf("status reason %q does not name the other CA", st.Reason)
	}
}

// With interop off powershell.exe hangs: the timeout ends the call and the
// result says what to check.
func TestWSLStoreInteropHangs(t *testing.T) {
	env, w := wslEnv(t)
	env.wslTimeout = 300 * time.Millisecond
	if err := w.Set("hang", "1"); err != nil {
		t.Fatal(err)
	}
	r := one(t, (&wslStore{env: env, ca: testCA(t)}).Install(t.Context()))
	wantState(t, r, Failed)
	var ie *wsl.InteropError
	if !errors.As(r.Err, &ie) || !strings.Contains(r.Reason, "did not answer within 300ms") || r.Command != "" {
		t.Errorf("result %+v", r)
	}
}

// The windows store exists only inside WSL; naming it elsewhere says why.
func TestWSLStoreSelection(t *testing.T) {
	env, _ := wslEnv(t)
	if got := Names(env); !slices.Equal(got, []string{StoreSystem, StoreNSS, StoreJava, StoreWindows}) {
		t.Errorf("Names in WSL = %v", got)
	}
	if sel, err := SelectionFor("windows", env); err != nil || !slices.Equal(sel, []string{StoreWindows}) {
		t.Errorf("SelectionFor(windows) in WSL = %v, %v", sel, err)
	}
	stores, err := Stores(env, testCA(t), nil)
	if err != nil || stores[len(stores)-1].Name() != StoreWindows {
		t.Errorf("default stores in WSL lack windows: %v", err)
	}
	for _, goos := range []string{"linux", "windows", "darwin"} {
		plain := testEnv(t, goos, 1000, run.ExecRunner(), map[string]string{EnvStores: "nss,windows"})
		if slices.Contains(Names(plain), StoreWindows) {
			t.Errorf("%s: Names lists windows outside WSL", goos)
		}
		for _, flag := range []string{"windows", ""} {
			_, err := SelectionFor(flag, plain)
			if !errors.Is(err, ErrStoreUnavailable) || !strings.Contains(err.Error(), "not WSL") || !strings.Contains(err.Error(), "system store") {
				t.Errorf("%s: SelectionFor(%q) = %v", goos, flag, err)
			}
		}
	}
}
