package npm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rtdev/rtdev/e2e/internal/harness"
)

// The tarballs make npm packed, built once per test binary.
var (
	packOnce sync.Once
	packDir  string
	packVer  string
	packErr  error
)

// packages runs make dist and make npm for linux/amd64 into a temporary
// folder (never the developer's dist/) and returns it with the version
// scripts/version.sh gave, which the tarballs carry.
func packages(t *testing.T) (dir, version string) {
	t.Helper()
	harness.RequireTool(t, "make", "node", "npm")
	packOnce.Do(func() {
		packDir, packErr = os.MkdirTemp("", "rtdev-e2e-npm-")
		if packErr != nil {
			return
		}
		cmd := exec.Command("make", "dist", "npm", "DIST="+packDir, "DIST_TARGETS=linux/amd64", "NPM_TARGETS=linux/amd64")
		cmd.Dir = harness.RepoRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			packErr = fmt.Errorf("make dist npm: %v\n%s", err, out)
			return
		}
		names, _ := filepath.Glob(filepath.Join(packDir, "npm", "rtdev-[0-9]*.tgz"))
		if len(names) != 1 {
			packErr = fmt.Errorf("make npm wrote %v, want one rtdev-VERSION.tgz", names)
			return
		}
		packVer = strings.TrimSuffix(strings.TrimPrefix(filepath.Base(names[0]), "rtdev-"), ".tgz")
	})
	if packErr != nil {
		t.Fatal(packErr)
	}
	return filepath.Join(packDir, "npm"), packVer
}

// app is a throwaway Node project with rtdev installed from the tarballs.
type app struct {
	sb      *harness.Sandbox
	version string
	// bin is the installed platform binary, as /proc/PID/exe names it.
	bin string
}

// installApp makes the sandbox project a Node app and npm-installs rtdev
// into it: rtdev as a file: devDependency and its linux-x64 platform
// package through overrides, as a team would pin a local build. npm's
// registry is a loopback server that answers 404 to everything and
// records what it was asked: the other platforms' packages (optional, so
// npm goes on without them) may be asked for there, but never rtdev or
// the linux-x64 package, which must come from the tarballs.
func installApp(t *testing.T, extra map[string]any) *app {
	t.Helper()
	dir, v := packages(t)
	sb := harness.NewSandbox(t)
	var mu sync.Mutex
	var asked []string
	reg := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := url.PathUnescape(r.URL.Path)
		mu.Lock()
		asked = append(asked, p)
		mu.Unlock()
		http.NotFound(w, r)
	}))
	t.Cleanup(reg.Close)
	// npm reads these as its config; the sandbox HOME keeps its cache and
	// logs out of the developer's.
	sb.Setenv("npm_config_registry", reg.URL+"/")
	sb.Setenv("npm_config_update_notifier", "false")
	sb.Setenv("npm_config_audit", "false")
	sb.Setenv("npm_config_fund", "false")

	main := filepath.Join(dir, "rtdev-"+v+".tgz")
	platform := filepath.Join(dir, "rtdev-cli-linux-x64-"+v+".tgz")
	pkg := map[string]any{
		"name": "rtdev-npm-check", "private": true, "type": "module",
		"devDependencies": map[string]string{"rtdev": "file:" + main},
		"overrides":       map[string]string{"@rtdev/cli-linux-x64": "file:" + platform},
	}
	for k, val := range extra {
		pkg[k] = val
	}
	writeJSON(t, filepath.Join(sb.Project, "package.json"), pkg)
	if out, errOut, err := sb.Run("npm", "install", "--loglevel=error"); err != nil {
		t.Fatalf("npm install: %v\n%s%s", err, out, errOut)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, p := range asked {
		name := strings.TrimPrefix(p, "/")
		if name == "rtdev" || strings.HasPrefix(name, "rtdev/") || strings.HasPrefix(name, "@rtdev/cli-linux-x64") {
			t.Errorf("npm asked the registry for %s; it must come from the tarball", p)
		}
	}
	bin, err := filepath.EvalSymlinks(filepath.Join(sb.Project, "node_modules", "@rtdev", "cli-linux-x64", "rtdev"))
	if err != nil {
		t.Fatalf("npm install left no platform binary: %v", err)
	}
	return &app{sb: sb, version: v, bin: bin}
}

// shim runs node_modules/.bin/rtdev and returns its output and exit code.
func (a *app) shim(args ...string) (stdout, stderr string, code int) {
	a.sb.T.Helper()
	out, errOut, err := a.sb.Run(filepath.Join(a.sb.Project, "node_modules", ".bin", "rtdev"), args...)
	return out, errOut, exitCode(a.sb.T, err)
}

// exitCode is a finished command's exit status; an error other than a
// non-zero exit (the program could not start) fails the test.
func exitCode(t testing.TB, err error) int {
	t.Helper()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	t.Fatal(err)
	return 0
}

func TestNPXRunsTheBinary(t *testing.T) {
	a := installApp(t, nil)
	out, errOut, err := a.sb.Run("npx", "--no", "--", "rtdev", "version")
	if err != nil {
		t.Fatalf("npx rtdev version: %v\n%s%s", err, out, errOut)
	}
	if !strings.Contains(out, "rtdev "+a.version) {
		t.Fatalf("npx rtdev version = %q, want rtdev %s", out, a.version)
	}
	// The binary's exit status comes through the shim: 2 is bad usage.
	if _, errOut, code := a.shim("no-such-command"); code != 2 {
		t.Fatalf("rtdev no-such-command exited %d, want 2\n%s", code, errOut)
	}
	// npx rtdev init works in the app.
	if out, errOut, err := a.sb.Run("npx", "--no", "--", "rtdev", "init", "--yes"); err != nil {
		t.Fatalf("npx rtdev init: %v\n%s%s", err, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(a.sb.Project, ".rtdev", "cert.pem")); err != nil {
		t.Fatalf("npx rtdev init wrote no certificate: %v", err)
	}
}

// TestShimForwardsSignals stops the shim alone (not its process group, as
// a supervisor or npm would): rtdev serve must get the signal, stop
// cleanly, and the shim must exit with its status (0).
func TestShimForwardsSignals(t *testing.T) {
	a := installApp(t, nil)
	a.sb.Init()
	port := harness.FreePort(t)
	p := a.sb.Start("", filepath.Join(a.sb.Project, "node_modules", ".bin", "rtdev"), "serve", "--port", strconv.Itoa(port))
	harness.WaitHTTPS(t, fmt.Sprintf("https://localhost:%d/rtdev/health", port), a.sb.CAPool(), p)
	if n := len(a.servePIDs(t)); n != 1 {
		t.Fatalf("%d rtdev serve processes, want 1", n)
	}
	if err := p.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := waitExit(t, p, 15*time.Second); err != nil {
		t.Errorf("the shim ended with %v, want rtdev serve's exit status 0", err)
	}
	if !strings.Contains(p.Output.String(), "stopped") {
		t.Errorf("rtdev serve did not report a clean stop:\n%s", p.Output.String())
	}
	a.waitServes(t, 0)
}

func TestMissingPlatformPackage(t *testing.T) {
	a := installApp(t, nil)
	pkgs := filepath.Join(a.sb.Project, "node_modules", "@rtdev")
	// As after npm install --omit=optional, or a lock file from macOS.
	if err := os.Rename(filepath.Join(pkgs, "cli-linux-x64"), filepath.Join(a.sb.Home, "cli-linux-x64")); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := a.shim("version")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	for _, want := range []string{"linux-x64", "@rtdev/cli-linux-x64@" + a.version, "--omit=optional", "rm -rf node_modules package-lock.json && npm install", "npm install --save-dev @rtdev/cli-linux-x64@" + a.version} {
		if !strings.Contains(errOut, want) {
			t.Errorf("the error lacks %q:\n%s", want, errOut)
		}
	}
	// As with a node_modules copied from a Mac.
	if err := os.Rename(filepath.Join(a.sb.Home, "cli-linux-x64"), filepath.Join(pkgs, "cli-darwin-arm64")); err != nil {
		t.Fatal(err)
	}
	_, errOut, code = a.shim("version")
	if code != 1 || !strings.Contains(errOut, "node_modules has @rtdev/cli-darwin-arm64 instead") || !strings.Contains(errOut, "npm ci") {
		t.Errorf("exit %d, want 1 with the other-platform error:\n%s", code, errOut)
	}
}

// servePIDs lists the rtdev serve processes running this app's binary,
// read from /proc: the binary's path is unique to the sandbox.
func (a *app) servePIDs(t *testing.T) []int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		exe, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		if err != nil || exe != a.bin {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		args := strings.Split(string(cmdline), "\x00")
		if len(args) > 1 && args[1] == "serve" && !zombie(pid) {
			pids = append(pids, pid)
		}
	}
	return pids
}

// zombie reports a process that exited but was not reaped yet.
func zombie(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	i := bytes.LastIndexByte(stat, ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] == 'Z'
}

// waitServes waits until exactly n rtdev serve processes run (10 s).
func (a *app) waitServes(t *testing.T, n int) []int {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		pids := a.servePIDs(t)
		if len(pids) == n {
			return pids
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d rtdev serve processes (%v), want %d", len(pids), pids, n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitExit waits for a process the test stopped and returns Wait's error.
func waitExit(t *testing.T, p *harness.Process, timeout time.Duration) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- p.Cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(timeout):
		t.Fatalf("%s did not exit within %v:\n%s", p.Cmd.Path, timeout, p.Output.String())
		return nil
	}
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, string(data))
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// waitOutput waits until a process's output matches re (timeout), so a
// test can wait for Vite's "server restarted".
func waitOutput(t *testing.T, p *harness.Process, re *regexp.Regexp, timeout time.Duration) {
	t.Helper()
	if len(waitLines(p, []*regexp.Regexp{re}, timeout)) > 0 {
		t.Fatalf("waited %v for %q in the output:\n%s", timeout, re, p.Output.String())
	}
}

// waitLines waits until p's output matches every one of res (timeout) and
// returns those it still does not match.
func waitLines(p *harness.Process, res []*regexp.Regexp, timeout time.Duration) []string {
	for deadline := time.Now().Add(timeout); ; time.Sleep(100 * time.Millisecond) {
		out := p.Output.String()
		var missing []string
		for _, re := range res {
			if !re.MatchString(out) {
				missing = append(missing, re.String())
			}
		}
		if len(missing) == 0 || time.Now().After(deadline) {
			return missing
		}
	}
}
