//go:build linux

package trust

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/internal/testtool"
)

// These tests drive the real tools on this machine: certutil, headless
// Chromium and Firefox ESR, update-ca-certificates inside a private mount
// namespace, keytool and java. They never touch the machine's own stores:
// NSS and Java work in a throwaway HOME and JAVA_HOME, and the system store
// test runs under `unshare -m` with tmpfs copies of the anchor and bundle
// folders, then checks the real bundle is byte for byte unchanged.

const (
	pageMarker = "rtdev-trust-page-loaded"
	// browserTimeout bounds every browser run; it is a timeout, never an
	// assertion.
	browserTimeout = 90 * time.Second
)

// need returns the path of each tool. A missing tool fails the test in CI
// and skips it elsewhere.
func need(t *testing.T, tools ...string) map[string]string {
	t.Helper()
	paths := map[string]string{}
	for _, tool := range tools {
		paths[tool] = testtool.Need(t, tool)
	}
	return paths
}

// tlsServer serves a page, signed by the test CA, that loads /callback as
// an image: the load event waits for it, so a browser that rendered the page
// has called back before it exits. Handshake errors are kept, so a failure
// is seen as the client's TLS alert, not as a missing callback.
type tlsServer struct {
	url string
	// events gets a signal on every callback and handshake error.
	events    chan struct{}
	mu        sync.Mutex
	callbacks int
	errLog    bytes.Buffer
}

func (s *tlsServer) called() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.callbacks
}

func (s *tlsServer) handshakeErrors() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.errLog.String()
}

func (s *tlsServer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer s.signal()
	return s.errLog.Write(p)
}

func (s *tlsServer) signal() {
	select {
	case s.events <- struct{}{}:
	default:
	}
}

func startTLSServer(t *testing.T, c *ca.CA) *tlsServer {
	t.Helper()
	names, err := ca.ParseNames([]string{"localhost", "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := c.Issue(ca.LeafOptions{Names: names})
	if err != nil {
		t.Fatal(err)
	}
	cert, err := tls.X509KeyPair(leaf.CertPEM, leaf.KeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	s := &tlsServer{events: make(chan struct{}, 1)}
	mux := http.NewServeMux()
	mux.HandleFunc("/callback", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.callbacks++
		s.mu.Unlock()
		s.signal()
		w.Header().Set("Content-Type", "image/gif")
		// A 1x1 transparent GIF.
		w.Write([]byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"))
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><title>rtdev</title><p id=m>%s</p><img src=\"/callback\" alt=\"\">", pageMarker)
	})
	srv := httptest.NewUnstartedServer(mux)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.Config.ErrorLog = log.New(s, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)
	s.url = srv.URL + "/"
	return s
}

// e2eEnv is the real runner and machine, with the given HOME-style
// variables only.
func e2eEnv(vars map[string]string) Env {
	env := NewEnv(false)
	env.Getenv = func(k string) string { return vars[k] }
	return env
}

// runGroup runs cmd in its own process group and kills the whole group when
// ctx ends or the command returns (browsers leave helpers behind).
func runGroup(ctx context.Context, t *testing.T, cmd *exec.Cmd) (string, error) {
	t.Helper()
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", cmd.Path, err)
	}
	pgid := cmd.Process.Pid
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			syscall.Kill(-pgid, syscall.SIGKILL)
		case <-done:
		}
	}()
	err := cmd.Wait()
	close(done)
	syscall.Kill(-pgid, syscall.SIGKILL)
	return out.String(), err
}

// within runs cmd in a process group with a timeout.
func within(t *testing.T, timeout time.Duration, cmd *exec.Cmd) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	return runGroup(ctx, t, cmd)
}

func browserEnv(home string) []string {
	return []string{"HOME=" + home, "PATH=" + os.Getenv("PATH"), "LANG=C.UTF-8", "MOZ_CRASHREPORTER_DISABLE=1"}
}

func chromiumLoad(t *testing.T, chromium, home, url string) string {
	t.Helper()
	return chromiumLoadEnv(t, chromium, browserEnv(home), url)
}

// chromiumLoadEnv is chromiumLoad with the browser's whole environment.
func chromiumLoadEnv(t *testing.T, chromium string, env []string, url string) string {
	t.Helper()
	cmd := exec.Command(chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--dump-dom", url)
	cmd.Env = env
	out, err := within(t, browserTimeout, cmd)
	if err != nil {
		t.Logf("chromium exited with %v", err)
	}
	return out
}

// firefoxLoad opens url in headless Firefox and returns as soon as the
// server saw the page's callback or a handshake error, or Firefox exited:
// Firefox stays up on an error page, so its exit cannot be the signal.
func firefoxLoad(t *testing.T, firefox, home, profile string, srv *tlsServer) {
	t.Helper()
	calls, logged := srv.called(), len(srv.handshakeErrors())
	cmd := exec.Command(firefox, "--headless", "--no-remote", "--profile", profile,
		"--screenshot", filepath.Join(t.TempDir(), "shot.png"), srv.url)
	cmd.Env = browserEnv(home)
	ctx, cancel := context.WithTimeout(context.Background(), browserTimeout)
	defer cancel()
	go func() {
		defer cancel()
		for {
			select {
			case <-ctx.Done():
				return
			case <-srv.events:
				if srv.called() > calls || len(srv.handshakeErrors()) > logged {
					return
				}
			}
		}
	}()
	runGroup(ctx, t, cmd)
}

// wantAll asserts that there is at least one result and every one is in
// state want.
func wantAll(t *testing.T, rs []Result, want State) {
	t.Helper()
	if len(rs) == 0 {
		t.Fatal("no results")
	}
	for _, r := range rs {
		if r.State != want {
			t.Fatalf("%s at %s: state %s, want %s (reason %q, output %q)", r.Store, r.Location, r.State, want, r.Reason, r.Output)
		}
	}
}

func TestE2EChromiumTrustsAfterNSSInstall(t *testing.T) {
	tools := need(t, "certutil", "chromium")
	c := testCA(t)
	srv := startTLSServer(t, c)
	home := t.TempDir()
	stores, err := Stores(e2eEnv(map[string]string{"HOME": home}), c, []string{StoreNSS})
	if err != nil {
		t.Fatal(err)
	}
	nss := stores[0]
	ctx := context.Background()

	before := chromiumLoad(t, tools["chromium"], home, srv.url)
	if !strings.Contains(before, "ERR_CERT_AUTHORITY_INVALID") || strings.Contains(before, pageMarker) {
		t.Fatalf("before install Chromium should fail with ERR_CERT_AUTHORITY_INVALID; got:\n%s", tail(before))
	}
	wantAll(t, nss.Status(ctx), Missing)

	rs := nss.Install(ctx)
	wantAll(t, rs, Installed)
	dbDir := filepath.Join(home, ".local", "share", "pki", "nssdb")
	if rs[0].Location != dbDir || !exists(filepath.Join(dbDir, "cert9.db")) || !RestartNeeded(rs) {
		t.Fatalf("install did not create the Chromium 146 database: %+v", rs)
	}
	wantAll(t, nss.Install(ctx), Already)
	wantAll(t, nss.Status(ctx), Installed)

	n := srv.called()
	after := chromiumLoad(t, tools["chromium"], home, srv.url)
	if !strings.Contains(after, pageMarker) || srv.called() == n {
		t.Fatalf("after install Chromium should load the page; got:\n%s", tail(after))
	}

	wantAll(t, nss.Uninstall(ctx), Removed)
	wantAll(t, nss.Status(ctx), Missing)
	wantAll(t, nss.Uninstall(ctx), Missing)
	if again := chromiumLoad(t, tools["chromium"], home, srv.url); !strings.Contains(again, "ERR_CERT_AUTHORITY_INVALID") {
		t.Fatalf("after uninstall Chromium should fail again; got:\n%s", tail(again))
	}
}

// TestE2EFlatpakChromeTrustsAfterNSSInstall runs Chromium with the
// environment Flatpak gives com.google.Chrome's sandbox (the host's HOME
// path, XDG_DATA_HOME in the app's folder, no ~/.pki), against a system
// installation of the app under a throwaway Root.
func TestE2EFlatpakChromeTrustsAfterNSSInstall(t *testing.T) {
	tools := need(t, "certutil", "chromium")
	c := testCA(t)
	srv := startTLSServer(t, c)
	home := t.TempDir()
	env := e2eEnv(map[string]string{"HOME": home})
	env.Root = t.TempDir()
	mkdirs(t, env.sys("/var/lib/flatpak/app/com.google.Chrome"))
	appDB := filepath.Join(home, ".var", "app", "com.google.Chrome", "data", "pki", "nssdb")
	hostDB := filepath.Join(home, ".local", "share", "pki", "nssdb")
	sandbox := append(browserEnv(home), "XDG_DATA_HOME="+filepath.Dir(filepath.Dir(appDB)))
	stores, err := Stores(env, c, []string{StoreNSS})
	if err != nil {
		t.Fatal(err)
	}
	nss := stores[0]
	ctx := context.Background()

	wantAll(t, nss.Status(ctx), Missing)
	rs := nss.Install(ctx)
	wantAll(t, rs, Installed)
	if len(rs) != 2 || rs[0].Location != hostDB || rs[1].Location != appDB || !exists(filepath.Join(appDB, "cert9.db")) {
		t.Fatalf("install should create the host and the Flatpak Chrome databases: %+v", rs)
	}
	if !strings.Contains(rs[1].Reason, "Flatpak Google Chrome") {
		t.Errorf("reason %q does not name the browser", rs[1].Reason)
	}
	wantAll(t, nss.Status(ctx), Installed)

	// Only the app's database keeps the CA: the page loading proves the
	// sandbox reads that one.
	if out, err := exec.Command(tools["certutil"], "-D", "-d", "sql:"+hostDB, "-n", c.UniqueName()).CombinedOutput(); err != nil {
		t.Fatalf("certutil -D: %v\n%s", err, out)
	}
	n := srv.called()
	if out := chromiumLoadEnv(t, tools["chromium"], sandbox, srv.url); !strings.Contains(out, pageMarker) || srv.called() == n {
		t.Fatalf("Chromium with Flatpak's XDG_DATA_HOME should load the page; got:\n%s", tail(out))
	}

	st := nss.Uninstall(ctx)
	if len(st) != 2 || st[0].State != Missing || st[1].State != Removed {
		t.Fatalf("uninstall: %+v", st)
	}
	if out := chromiumLoadEnv(t, tools["chromium"], sandbox, srv.url); !strings.Contains(out, "ERR_CERT_AUTHORITY_INVALID") {
		t.Fatalf("after uninstall Chromium should fail again; got:\n%s", tail(out))
	}
}

func TestE2EFirefoxTrustsAfterNSSInstall(t *testing.T) {
	tools := need(t, "certutil", "firefox-esr")
	c := testCA(t)
	srv := startTLSServer(t, c)
	home := t.TempDir()
	root := filepath.Join(home, ".mozilla", "firefox")
	profile := filepath.Join(root, "rtdevtest.default")
	writeFile(t, filepath.Join(root, "profiles.ini"),
		"[General]\nStartWithLastProfile=1\n\n[Profile0]\nName=rtdevtest\nIsRelative=1\nPath=rtdevtest.default\nDefault=1\n")
	// Keep the run offline and quiet: no first-run pages, updates or
	// telemetry, and no OS roots.
	writeFile(t, filepath.Join(profile, "user.js"), strings.Join([]string{
		`user_pref("browser.shell.checkDefaultBrowser", false);`,
		`user_pref("browser.startup.homepage_override.mstone", "ignore");`,
		`user_pref("datareporting.policy.dataSubmissionEnabled", false);`,
		`user_pref("toolkit.telemetry.reportingpolicy.firstRun", false);`,
		`user_pref("app.update.auto", false);`,
		`user_pref("network.captive-portal-service.enabled", false);`,
		`user_pref("network.connectivity-service.enabled", false);`,
		`user_pref("security.enterprise_roots.enabled", false);`,
		`user_pref("browser.safebrowsing.update.enabled", false);`,
	}, "\n")+"\n")
	stores, err := Stores(e2eEnv(map[string]string{"HOME": home}), c, []string{StoreNSS})
	if err != nil {
		t.Fatal(err)
	}
	nss := stores[0]
	ctx := context.Background()

	rs := nss.Install(ctx)
	var ff *Result
	for i := range rs {
		if rs[i].Location == profile {
			ff = &rs[i]
		}
	}
	if ff == nil || ff.State != Installed {
		t.Fatalf("no Installed result for the Firefox profile: %+v", rs)
	}
	wantAll(t, nss.Install(ctx), Already)

	firefoxLoad(t, tools["firefox-esr"], home, profile, srv)
	if srv.called() == 0 {
		t.Fatalf("after install Firefox did not load the page; server log:\n%s", srv.handshakeErrors())
	}

	wantAll(t, nss.Uninstall(ctx), Removed)
	wantAll(t, nss.Status(ctx), Missing)
	n, logged := srv.called(), len(srv.handshakeErrors())
	firefoxLoad(t, tools["firefox-esr"], home, profile, srv)
	if srv.called() != n {
		t.Fatal("after uninstall Firefox still loaded the page")
	}
	// Positive evidence of the failure: Firefox's TLS alert.
	if got := srv.handshakeErrors()[logged:]; !strings.Contains(got, "bad certificate") && !strings.Contains(got, "unknown certificate authority") {
		t.Fatalf("after uninstall Firefox should reject the certificate; server log:\n%s", got)
	}
}

func TestE2EJavaKeytool(t *testing.T) {
	tools := need(t, "keytool", "java")
	real, err := filepath.EvalSymlinks(tools["keytool"])
	if err != nil {
		t.Fatal(err)
	}
	jdk := filepath.Dir(filepath.Dir(real))
	src := filepath.Join(jdk, "lib", "security", "cacerts")
	data, err := os.ReadFile(src) // follows Debian's link to /etc/ssl/certs/java/cacerts
	if err != nil {
		t.Fatalf("read the JDK's cacerts: %v", err)
	}
	sumBefore := sha256.Sum256(data)

	javaHome := t.TempDir()
	mkdirs(t, filepath.Join(javaHome, "bin"))
	if err := os.Symlink(real, filepath.Join(javaHome, "bin", "keytool")); err != nil {
		t.Fatal(err)
	}
	cacerts := filepath.Join(javaHome, "lib", "security", "cacerts")
	writeFile(t, cacerts, string(data))

	c := testCA(t)
	srv := startTLSServer(t, c)
	// JAVA_HOME only: no PATH, and an empty root so /usr/lib/jvm, where
	// this machine's JDKs and their shared cacerts live, is never found.
	env := e2eEnv(map[string]string{"JAVA_HOME": javaHome})
	env.Root = t.TempDir()
	stores, err := Stores(env, c, []string{StoreJava})
	if err != nil {
		t.Fatal(err)
	}
	j := stores[0]
	ctx := context.Background()
	check := func() (string, error) {
		cmd := exec.Command(filepath.Join(jdk, "bin", "java"), "-Djavax.net.ssl.trustStore="+cacerts,
			"-Djavax.net.ssl.trustStorePassword=changeit", filepath.Join("testdata", "Check.java"), srv.url)
		return within(t, 2*time.Minute, cmd)
	}

	if out, err := check(); err == nil || !strings.Contains(out, "PKIX path building failed") {
		t.Fatalf("before install Java should fail PKIX validation; err %v:\n%s", err, tail(out))
	}
	wantAll(t, j.Status(ctx), Missing)
	rs := j.Install(ctx)
	wantAll(t, rs, Installed)
	if rs[0].Location != cacerts {
		t.Errorf("location = %s, want %s", rs[0].Location, cacerts)
	}
	wantAll(t, j.Install(ctx), Already)
	wantAll(t, j.Status(ctx), Installed)
	if out, err := check(); err != nil || !strings.Contains(out, "status 200") {
		t.Fatalf("after install Java should connect; err %v:\n%s", err, tail(out))
	}
	wantAll(t, j.Uninstall(ctx), Removed)
	wantAll(t, j.Status(ctx), Missing)
	if out, err := check(); err == nil || !strings.Contains(out, "PKIX path building failed") {
		t.Fatalf("after uninstall Java should fail again; err %v:\n%s", err, tail(out))
	}
	if after, _ := os.ReadFile(src); sha256.Sum256(after) != sumBefore {
		t.Fatal("the JDK's own cacerts changed")
	}
}

// A JDK found only through PATH, as most users have it (no JAVA_HOME): a
// throwaway tree whose bin/java is reached through an alternatives-style
// link chain, the real keytool linked in, and a copy of the machine's
// cacerts that a second JDK shares through a link, so it is handled once.
func TestE2EJavaFromPATH(t *testing.T) {
	tools := need(t, "keytool")
	real, err := filepath.EvalSymlinks(tools["keytool"])
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(filepath.Dir(filepath.Dir(real)), "lib", "security", "cacerts"))
	if err != nil {
		t.Fatalf("read the JDK's cacerts: %v", err)
	}
	tree, root := t.TempDir(), t.TempDir()
	jdk := filepath.Join(tree, "opt", "jdk")
	mkdirs(t, filepath.Join(jdk, "bin"))
	// bin/java is a plain file: a link to the real java would lead the
	// search to the real JDK's cacerts.
	writeFile(t, filepath.Join(jdk, "bin", "java"), "#!/bin/sh\n")
	if err := os.Chmod(filepath.Join(jdk, "bin", "java"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(real, filepath.Join(jdk, "bin", "keytool")); err != nil {
		t.Fatal(err)
	}
	cacerts := filepath.Join(jdk, "lib", "security", "cacerts")
	writeFile(t, cacerts, string(data))
	for link, target := range map[string]string{
		filepath.Join(tree, "etc", "alternatives", "java"): filepath.Join(jdk, "bin", "java"),
		filepath.Join(tree, "usr", "bin", "java"):          filepath.Join(tree, "etc", "alternatives", "java"),
	} {
		mkdirs(t, filepath.Dir(link))
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
	}
	// A second JDK in the sealed /usr/lib/jvm sharing the same cacerts.
	other := filepath.Join(root, "usr", "lib", "jvm", "other-jdk")
	mkdirs(t, filepath.Join(other, "bin"), filepath.Join(other, "lib", "security"))
	if err := os.Symlink(real, filepath.Join(other, "bin", "keytool")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(cacerts, filepath.Join(other, "lib", "security", "cacerts")); err != nil {
		t.Fatal(err)
	}

	c := testCA(t)
	env := e2eEnv(map[string]string{"PATH": filepath.Join(tree, "usr", "bin")})
	env.Root = root
	stores, err := Stores(env, c, []string{StoreJava})
	if err != nil {
		t.Fatal(err)
	}
	j, ctx := stores[0], context.Background()
	st := j.Status(ctx)
	wantAll(t, st, Missing)
	if len(st) != 1 || st[0].Location != cacerts {
		t.Fatalf("status = %+v, want one result for %s", st, cacerts)
	}
	wantAll(t, j.Install(ctx), Installed)
	wantAll(t, j.Status(ctx), Installed)
	wantAll(t, j.Uninstall(ctx), Removed)
	wantAll(t, j.Status(ctx), Missing)
}

// inNamespace runs this test binary's helper test under `unshare -m` after
// the setup script, passing vars, and returns its output. The helper fails
// the whole run by exiting non-zero.
func inNamespace(t *testing.T, setup, helper string, vars map[string]string) string {
	t.Helper()
	tools := need(t, "unshare")
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"--mount", "--propagation", "private"}
	if os.Geteuid() != 0 {
		args = append(args, "--map-root-user")
	}
	script := "set -eu\n" + setup + "\nexec \"$0\" -test.run='^" + helper + "$' -test.count=1 -test.v\n"
	cmd := exec.Command(tools["unshare"], append(args, "--", "/bin/sh", "-c", script, self)...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "LANG=C.UTF-8", helperVar + "=" + helper}
	if ci := os.Getenv("CI"); ci != "" {
		cmd.Env = append(cmd.Env, "CI="+ci)
	}
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := within(t, 5*time.Minute, cmd)
	if err != nil || !strings.Contains(out, "--- PASS: "+helper) {
		t.Fatalf("%s in a mount namespace: %v\n%s", helper, err, out)
	}
	return out
}

// helperVar names the helper test a namespace run is for; helpers skip
// without it, as they only make sense inside the namespace.
const helperVar = "RTDEV_TRUST_HELPER"

func onlyAsHelper(t *testing.T) {
	if os.Getenv(helperVar) != t.Name() {
		t.Skip("helper: runs inside the mount namespace its parent test sets up")
	}
}

// fileDigest hashes a file, or a folder's names and contents.
func fileDigest(t *testing.T, p string) [32]byte {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		io.WriteString(h, path+"\n")
		if d.Type().IsRegular() {
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			io.Copy(h, f)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

// systemDirs are replaced by tmpfs copies inside the namespace.
var systemDirs = []string{"/usr/local/share/ca-certificates", "/etc/ssl/certs"}

func TestE2ESystemStoreInNamespace(t *testing.T) {
	need(t, "update-ca-certificates", "curl", "mount")
	for _, d := range append(systemDirs, "/etc/ca-certificates/update.d") {
		if !isDir(d) {
			testtool.Missing(t, "not a Debian-style trust store: no "+d)
		}
	}
	bundle := "/etc/ssl/certs/ca-certificates.crt"
	realBefore := [2][32]byte{fileDigest(t, bundle), fileDigest(t, systemDirs[0])}

	c := testCA(t)
	srv := startTLSServer(t, c)
	stash := t.TempDir()
	var setup strings.Builder
	for _, d := range systemDirs {
		fmt.Fprintf(&setup, "mkdir -p '%[1]s%[2]s'\ncp -a '%[2]s/.' '%[1]s%[2]s/'\nmount -t tmpfs tmpfs '%[2]s'\ncp -a '%[1]s%[2]s/.' '%[2]s/'\n", stash, d)
	}
	// The update.d hooks are replaced by an empty folder: Debian's
	// jks-keystore hook runs dpkg triggers, which write to /var/lib/dpkg
	// outside any copy.
	setup.WriteString("mount -t tmpfs tmpfs /etc/ca-certificates/update.d\n")
	inNamespace(t, setup.String(), "TestHelperSystemStore", map[string]string{"RTDEV_TEST_CADIR": c.Dir, "RTDEV_TEST_URL": srv.url})

	if after := [2][32]byte{fileDigest(t, bundle), fileDigest(t, systemDirs[0])}; after != realBefore {
		t.Fatal("the machine's real trust store changed")
	}
}

func TestHelperSystemStore(t *testing.T) {
	onlyAsHelper(t)
	c, err := ca.LoadCert(os.Getenv("RTDEV_TEST_CADIR"))
	if err != nil {
		t.Fatal(err)
	}
	url := os.Getenv("RTDEV_TEST_URL")
	stores, err := Stores(e2eEnv(map[string]string{}), c, []string{StoreSystem})
	if err != nil {
		t.Fatal(err)
	}
	sys := stores[0]
	ctx := context.Background()
	curl := func() (string, error) {
		out, err := exec.Command("curl", "-sS", "--max-time", "60", "-o", "/dev/null", "-w", "%{http_code}", url).CombinedOutput()
		return string(out), err
	}
	// Go caches the system pool per process (golang/go#24540), so each
	// check runs in a new process.
	goClient := func() string {
		self, _ := os.Executable()
		cmd := exec.Command(self, "-test.run=^TestHelperGoClient$", "-test.count=1", "-test.v")
		cmd.Env = []string{helperVar + "=TestHelperGoClient", "RTDEV_TEST_URL=" + url, "PATH=" + os.Getenv("PATH")}
		out, _ := cmd.CombinedOutput()
		return string(out)
	}

	if out, err := curl(); err == nil {
		t.Fatalf("before install curl should fail: %s", out)
	}
	if out := goClient(); !strings.Contains(out, "GO-FAIL") || !strings.Contains(out, "unknown authority") {
		t.Fatalf("before install Go should reject the server:\n%s", out)
	}
	wantAll(t, sys.Status(ctx), Missing)
	rs := sys.Install(ctx)
	wantAll(t, rs, Installed)
	if !strings.HasPrefix(rs[0].Location, "/usr/local/share/ca-certificates/rtdev_development_CA_") {
		t.Errorf("location = %s", rs[0].Location)
	}
	wantAll(t, sys.Install(ctx), Already)
	wantAll(t, sys.Status(ctx), Installed)
	if out, err := curl(); err != nil || out != "200" {
		t.Fatalf("after install curl should connect: %v %s", err, out)
	}
	if out := goClient(); !strings.Contains(out, "GO-OK 200") {
		t.Fatalf("after install Go should accept the server:\n%s", out)
	}

	wantAll(t, sys.Uninstall(ctx), Removed)
	wantAll(t, sys.Status(ctx), Missing)
	wantAll(t, sys.Uninstall(ctx), Missing)
	if out, err := curl(); err == nil {
		t.Fatalf("after uninstall curl should fail: %s", out)
	}
	if out := goClient(); !strings.Contains(out, "GO-FAIL") {
		t.Fatalf("after uninstall Go should reject the server:\n%s", out)
	}
}

func TestHelperGoClient(t *testing.T) {
	onlyAsHelper(t)
	resp, err := (&http.Client{Timeout: time.Minute}).Get(os.Getenv("RTDEV_TEST_URL"))
	if err != nil {
		fmt.Println("GO-FAIL", err)
		return
	}
	resp.Body.Close()
	fmt.Println("GO-OK", resp.StatusCode)
}

func TestE2EReadOnlyNSSDatabase(t *testing.T) {
	tools := need(t, "certutil", "mount")
	home := t.TempDir()
	db := filepath.Join(home, ".pki", "nssdb")
	mkdirs(t, db)
	if out, err := exec.Command(tools["certutil"], "-N", "-d", "sql:"+db, "--empty-password").CombinedOutput(); err != nil {
		t.Fatalf("create NSS database: %v %s", err, out)
	}
	c := testCA(t)
	setup := fmt.Sprintf("mount --bind '%[1]s' '%[1]s'\nmount -o remount,bind,ro '%[1]s'\n", db)
	inNamespace(t, setup, "TestHelperReadOnlyNSS", map[string]string{"RTDEV_TEST_CADIR": c.Dir, "RTDEV_TEST_HOME": home})
}

func TestHelperReadOnlyNSS(t *testing.T) {
	onlyAsHelper(t)
	c, err := ca.LoadCert(os.Getenv("RTDEV_TEST_CADIR"))
	if err != nil {
		t.Fatal(err)
	}
	home := os.Getenv("RTDEV_TEST_HOME")
	stores, err := Stores(e2eEnv(map[string]string{"HOME": home}), c, []string{StoreNSS})
	if err != nil {
		t.Fatal(err)
	}
	wantAll(t, stores[0].Status(context.Background()), Missing)
	r := one(t, stores[0].Install(context.Background()))
	wantState(t, r, Failed)
	file := filepath.Join(home, ".pki", "nssdb", "cert9.db")
	var ro *ReadOnlyError
	if !errors.As(r.Err, &ro) || ro.Path != file || !strings.Contains(r.Reason, file) || !errors.Is(r.Err, syscall.EROFS) {
		t.Fatalf("want a read-only error naming %s; got %v (reason %q)", file, r.Err, r.Reason)
	}
}

// tail keeps the end of a long browser log.
func tail(s string) string {
	if len(s) > 3000 {
		return "..." + s[len(s)-3000:]
	}
	return s
}
