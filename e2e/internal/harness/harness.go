package harness

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rtdev/rtdev/internal/testtool"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// RepoRoot is the module root (three folders above this file).
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", "..", ".."))
}

// NPMDir holds the pinned npm packages the tests use (peerjs, vite, ws, peer).
func NPMDir() string { return filepath.Join(RepoRoot(), "e2e", "testdata", "npm") }

// Main runs a test package's tests and then removes the binary Binary
// built, so runs leave nothing in the temporary folder. Call it from
// TestMain.
func Main(m *testing.M) int {
	code := m.Run()
	if binPath != "" {
		_ = os.RemoveAll(filepath.Dir(binPath))
	}
	return code
}

// Binary builds rtdev once and returns its path.
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "rtdev-e2e-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "rtdev")
		cmd := exec.Command("go", "build", "-o", binPath, ".")
		cmd.Dir = RepoRoot()
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// RequireTool skips (outside CI) or fails (CI=true) when a program is missing.
func RequireTool(t testing.TB, names ...string) {
	t.Helper()
	for _, name := range names {
		testtool.Need(t, name)
	}
}

// RequireNPM fails or skips when the pinned npm packages are not installed.
func RequireNPM(t testing.TB, pkg string) string {
	t.Helper()
	dir := filepath.Join(NPMDir(), "node_modules", pkg)
	if _, err := os.Stat(dir); err != nil {
		testtool.Missing(t, fmt.Sprintf("npm package %s is missing in %s (scripts/test-deps.sh runs npm ci there)", pkg, NPMDir()))
	}
	return dir
}

// LinkPackages makes npm packages installed in npmDir (a folder with a
// lock file, installed by scripts/test-deps.sh) resolvable from project
// as an installed dependency would be: project/node_modules/PKG links to
// the package and its bin links are recreated in node_modules/.bin. Only
// the packages are links; node_modules itself is the project's own
// folder, so what tools write there (Vite's cache) stays in the sandbox.
func LinkPackages(t testing.TB, npmDir, project string, pkgs ...string) {
	t.Helper()
	bin := filepath.Join(project, "node_modules", ".bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, pkg := range pkgs {
		dir := filepath.Join(npmDir, "node_modules", pkg)
		if _, err := os.Stat(dir); err != nil {
			testtool.Missing(t, fmt.Sprintf("npm package %s is missing in %s (scripts/test-deps.sh runs npm ci there)", pkg, npmDir))
		}
		if err := os.Symlink(dir, filepath.Join(project, "node_modules", pkg)); err != nil {
			t.Fatal(err)
		}
		// npm's bin links are relative (../vite/bin/vite.js), so the same
		// target works from the project's .bin.
		target, err := os.Readlink(filepath.Join(npmDir, "node_modules", ".bin", pkg))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, filepath.Join(bin, pkg)); err != nil {
			t.Fatal(err)
		}
	}
}

// Sandbox is one test's world: HOME, CA folder and project folder, all
// under t.TempDir().
type Sandbox struct {
	T       testing.TB
	Home    string
	CARoot  string
	Project string
	// Env is the environment every command of this sandbox runs with.
	Env []string
}

// NewSandbox makes the folders. Trust stores default to nss (the throwaway
// HOME's NSS databases), never the machine's system store.
func NewSandbox(t testing.TB) *Sandbox {
	t.Helper()
	root := t.TempDir()
	sb := &Sandbox{
		T:       t,
		Home:    filepath.Join(root, "home"),
		CARoot:  filepath.Join(root, "caroot"),
		Project: filepath.Join(root, "project"),
	}
	for _, d := range []string{sb.Home, sb.Project} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	sb.Env = cleanEnv(map[string]string{
		"HOME":               sb.Home,
		"XDG_DATA_HOME":      filepath.Join(sb.Home, ".local", "share"),
		"XDG_CONFIG_HOME":    filepath.Join(sb.Home, ".config"),
		"RTDEV_CAROOT":       sb.CARoot,
		"RTDEV_TRUST_STORES": "nss",
		"RTDEV_JAVA_HOMES":   "none", // never this machine's JDKs, even read-only
		"NO_COLOR":           "1",
		// Never "inside a container" by accident: the machine running
		// the tests may itself be one (internal/incontainer).
		"RTDEV_MOUNTINFO":   os.DevNull,
		"REMOTE_CONTAINERS": "",
		"CODESPACES":        "",
	})
	return sb
}

// cleanEnv is the process environment with the overrides applied and
// variables that would leak trust or state from the machine removed.
func cleanEnv(over map[string]string) []string {
	drop := map[string]bool{"NODE_EXTRA_CA_CERTS": true, "SSL_CERT_FILE": true, "SSL_CERT_DIR": true,
		"REQUESTS_CA_BUNDLE": true, "CURL_CA_BUNDLE": true, "DENO_CERT": true, "JAVA_HOME": true}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if _, ok := over[k]; ok || drop[k] {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, goCaches()...)
	for k, v := range over {
		env = append(env, k+"="+v)
	}
	return env
}

// goCaches pins Go's folders to where they are now, so a sandbox's new
// HOME never makes a tool download modules again. Asked once per process.
var goCaches = sync.OnceValue(func() []string {
	var env []string
	for _, k := range []string{"GOPATH", "GOCACHE", "GOMODCACHE"} {
		if os.Getenv(k) != "" {
			continue
		}
		if out, err := exec.Command("go", "env", k).Output(); err == nil {
			env = append(env, k+"="+strings.TrimSpace(string(out)))
		}
	}
	return env
})

// Setenv overrides one variable for this sandbox's commands.
func (sb *Sandbox) Setenv(key, value string) {
	out := sb.Env[:0:0]
	for _, kv := range sb.Env {
		if !strings.HasPrefix(kv, key+"=") {
			out = append(out, kv)
		}
	}
	sb.Env = append(out, key+"="+value)
}

// Rtdev runs the binary in the project folder and returns stdout; a non-zero
// exit fails the test with both outputs.
func (sb *Sandbox) Rtdev(args ...string) string {
	sb.T.Helper()
	out, errOut, err := sb.run(Binary(sb.T), args...)
	if err != nil {
		sb.T.Fatalf("rtdev %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, out, errOut)
	}
	return out
}

// Run runs any program in the project folder with the sandbox environment.
func (sb *Sandbox) Run(name string, args ...string) (stdout, stderr string, err error) {
	return sb.run(name, args...)
}

func (sb *Sandbox) run(name string, args ...string) (string, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = sb.Project
	cmd.Env = sb.Env
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	return out.String(), errOut.String(), err
}

// Init runs `rtdev init --yes` (trust into the sandbox's NSS databases).
func (sb *Sandbox) Init(args ...string) {
	sb.T.Helper()
	sb.Rtdev(append([]string{"init", "--yes"}, args...)...)
}

// CAPool is a pool holding only the sandbox's rtdev CA.
func (sb *Sandbox) CAPool() *x509.CertPool {
	sb.T.Helper()
	pem, err := os.ReadFile(filepath.Join(sb.Project, ".rtdev", "ca.pem"))
	if err != nil {
		sb.T.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	return pool
}

// handedOut holds every port FreePort has returned in this test binary.
// The kernel may give a just-closed port to the next bind, so two calls in
// a row can return the same port (a test once started serve and Vite on
// one port that way); remembering them makes each answer new.
var handedOut = struct {
	sync.Mutex
	ports map[int]bool
}{ports: map[int]bool{}}

// FreePort returns a loopback TCP port that was free a moment ago and
// that no earlier call in this test binary returned.
func FreePort(t testing.TB) int {
	t.Helper()
	handedOut.Lock()
	defer handedOut.Unlock()
	for range 100 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		_ = ln.Close()
		if !handedOut.ports[port] {
			handedOut.ports[port] = true
			return port
		}
	}
	t.Fatal("no loopback port that was not handed out already")
	return 0
}

// Process is a background program started by a test, stopped at cleanup.
type Process struct {
	Cmd    *exec.Cmd
	Output *SyncBuffer

	stopOnce sync.Once
}

// Stop ends the program and what it started (SIGINT to its process group,
// SIGKILL after 10 s) and waits for it. The cleanup calls it too, so a
// test may stop a program early, to free its port.
func (p *Process) Stop() {
	p.stopOnce.Do(func() {
		signalGroup(p.Cmd, false)
		done := make(chan struct{})
		go func() { _ = p.Cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			signalGroup(p.Cmd, true)
			<-done
		}
	})
}

// SyncBuffer is safe for a process to write while a test reads.
type SyncBuffer = testtool.SyncBuffer

// Start runs a program in the background (its own process group, so the
// cleanup stops its children too); its output is logged if the test fails.
func (sb *Sandbox) Start(dir, name string, args ...string) *Process {
	sb.T.Helper()
	cmd := exec.Command(name, args...)
	if dir == "" {
		dir = sb.Project
	}
	cmd.Dir = dir
	cmd.Env = sb.Env
	buf := &SyncBuffer{}
	cmd.Stdout, cmd.Stderr = buf, buf
	ownProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		sb.T.Fatalf("start %s: %v", name, err)
	}
	p := &Process{Cmd: cmd, Output: buf}
	sb.T.Cleanup(func() {
		p.Stop()
		if sb.T.Failed() {
			sb.T.Logf("%s output:\n%s", filepath.Base(name), buf.String())
		}
	})
	return p
}

// Serve starts `rtdev serve --port PORT args...` and waits until its
// health page answers over TLS with the sandbox CA.
func (sb *Sandbox) Serve(port int, args ...string) *Process {
	sb.T.Helper()
	p := sb.Start("", Binary(sb.T), append([]string{"serve", "--port", strconv.Itoa(port)}, args...)...)
	WaitHTTPS(sb.T, fmt.Sprintf("https://localhost:%d/rtdev/health", port), sb.CAPool(), p)
	return p
}

// WaitHTTPS polls url until it answers 200 (30 s at most).
func WaitHTTPS(t testing.TB, url string, roots *x509.CertPool, p *Process) {
	t.Helper()
	waitHTTPS(t, url, roots, p, 30*time.Second, 2*time.Second)
}

// WaitHTTPSFor is WaitHTTPS with its own bound, for dev servers (Nuxt,
// Next) that compile the page before they answer its first request: one
// request may take as long as the whole wait.
func WaitHTTPSFor(t testing.TB, url string, roots *x509.CertPool, p *Process, timeout time.Duration) {
	t.Helper()
	waitHTTPS(t, url, roots, p, timeout, timeout)
}

func waitHTTPS(t testing.TB, url string, roots *x509.CertPool, p *Process, timeout, perRequest time.Duration) {
	t.Helper()
	client := &http.Client{Timeout: perRequest, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	WaitHTTPSClient(t, client, url, p, timeout)
}

// WaitHTTPSClient polls url with client until it answers 200, for a server
// the test reaches its own way (from inside a network namespace).
func WaitHTTPSClient(t testing.TB, client *http.Client, url string, p *Process, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		res, err := client.Get(url)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
			err = fmt.Errorf("status %d", res.StatusCode)
		}
		last = err
		if p != nil && p.Cmd.ProcessState != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	out := ""
	if p != nil {
		out = p.Output.String()
	}
	t.Fatalf("%s did not answer: %v\n%s", url, last, out)
}
