//go:build linux

package npm

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/rtdev/rtdev/e2e/internal/harness"
	"github.com/rtdev/rtdev/e2e/internal/netns"
)

// TestVitePluginCommittedConfigStaysOnLoopback clones, in effect, a
// repository whose committed rtdev.toml asks to put this machine on the
// network: lan = true, bind = "0.0.0.0", a static root outside the
// project in a dot-folder (as ~/.docker, which holds registry
// credentials), and [[serve.route]] tables to a backend on loopback, one
// of them under /peerjs/, the prefix the plugin proxies from the Vite
// origin to serve. A second network namespace, plugged into this one
// through a bridge the test makes, plays a device on the Wi-Fi.
//
//  1. Vite with plugins: [rtdev({ serve })] and no lan option, as
//     `npm run dev` runs it without anyone reading the file: the device
//     reaches neither serve's port nor Vite's, so neither a route nor the
//     secret, and what the plugin printed names --lan, --bind and --static.
//  2. The control: lan = true in the developer's own rtdev.local.toml
//     (which git ignores). The device now reaches serve, so the namespace
//     can reach what listens beyond loopback; the committed routes answer it
//     403 while loopback gets the backend, and the secret is not served.
//  3. The plugin's own lan option: the device reaches the Vite origin too,
//     and a committed route asked for there (under /peerjs/) is still 403
//     for it and 200 for a browser on this machine.
func TestVitePluginCommittedConfigStaysOnLoopback(t *testing.T) {
	dev := netns.NewDevice(t)
	harness.RequireTool(t, "git")
	a, port, servePort := viteApp(t)

	secret := "docker-auth-" + randomHex(t)
	writeFile(t, filepath.Join(filepath.Dir(a.sb.Project), ".docker", "config.json"), `{"auths":{"registry.example":{"auth":"`+secret+`"}}}`)
	backendBody := "backend-" + randomHex(t)
	var backendHits atomic.Int64
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		backendHits.Add(1)
		_, _ = io.WriteString(w, backendBody)
	}))
	t.Cleanup(backend.Close)

	writeFile(t, filepath.Join(a.sb.Project, "rtdev.toml"), fmt.Sprintf(`[serve]
lan = true
bind = "0.0.0.0"
static = "../.docker"

[[serve.route]]
path = "/api"
to = %[1]q

[[serve.route]]
path = "/peerjs/admin"
to = %[1]q
`, backend.URL))
	writeFile(t, filepath.Join(a.sb.Project, ".gitignore"), "node_modules/\n")
	git := func(args ...string) {
		t.Helper()
		args = append([]string{"-c", "user.name=Someone Else", "-c", "user.email=someone@example.invalid"}, args...)
		if out, errOut, err := a.sb.Run("git", args...); err != nil {
			t.Fatalf("git %s: %v\n%s%s", strings.Join(args, " "), err, out, errOut)
		}
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "the app, as cloned")

	serveAt := "https://" + net.JoinHostPort(dev.HostIP, strconv.Itoa(servePort))
	viteAt := "https://" + net.JoinHostPort(dev.HostIP, strconv.Itoa(port))
	serveLocal := fmt.Sprintf("https://localhost:%d", servePort)
	viteLocal := fmt.Sprintf("https://localhost:%d", port)

	// 1. Only the committed file asks.
	vite := a.startVite(t, port)
	// The plugin's rtdev init made the CA; both clients trust only it.
	pool := a.sb.CAPool()
	fromDevice := netns.HTTPClient(dev.NS, pool, "localhost", 5*time.Second)
	loopback := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	for _, addr := range []string{serveAt, viteAt} {
		if err := dialFails(dev.NS, strings.TrimPrefix(addr, "https://")); err != nil {
			t.Error(err)
		}
	}
	for _, u := range []string{
		serveAt + "/rtdev/health", serveAt + "/api/ping", serveAt + "/peerjs/admin", serveAt + "/config.json",
		"http://" + strings.TrimPrefix(serveAt, "https://") + "/rtdev/phone",
		viteAt + "/rtdev/health", viteAt + "/peerjs/admin", viteAt + "/config.json",
	} {
		if status, body, err := get(fromDevice, u); err == nil {
			t.Errorf("the device on the Wi-Fi got %s: %d %q", u, status, body)
		}
	}
	// On this machine the routes work (the file may name loopback
	// backends), on serve's port and through the Vite origin.
	wantBackend := func(c *http.Client, who, u string) {
		t.Helper()
		if status, body, err := get(c, u); err != nil || status != 200 || body != backendBody {
			t.Errorf("%s GET %s = %d %q, %v; want the backend's 200", who, u, status, body, err)
		}
	}
	wantBackend(loopback, "loopback", serveLocal+"/api/ping")
	wantBackend(loopback, "loopback", viteLocal+"/peerjs/admin")
	// serve has no static root, so 404; the Vite origin may answer with
	// the app's page (its HTML fallback), but never with the secret.
	noSecret := func(c *http.Client, who, base string) {
		t.Helper()
		status, body, err := get(c, base+"/config.json")
		if err != nil {
			t.Errorf("%s GET %s/config.json: %v", who, base, err)
		} else if strings.Contains(body, secret) || (base != viteAt && base != viteLocal && status != http.StatusNotFound) {
			t.Errorf("%s GET %s/config.json = %d %q, want no file and no secret", who, base, status, body)
		}
	}
	noSecret(loopback, "loopback", serveLocal)
	// Under lan, a route from the committed file asked for by the device
	// gets 403 with the command that would serve it to the network, and
	// the backend never sees the request.
	refused := func(urls ...string) {
		t.Helper()
		hits := backendHits.Load()
		for _, u := range urls {
			status, body, err := get(fromDevice, u)
			if err != nil || status != http.StatusForbidden || !strings.Contains(body, "--route /") {
				t.Errorf("the device's GET %s = %d %q, %v; want 403 naming --route", u, status, body, err)
			}
		}
		if n := backendHits.Load() - hits; n != 0 {
			t.Errorf("the device's requests reached the loopback backend (%d requests)", n)
		}
	}
	var notices []*regexp.Regexp
	for _, flag := range []string{"--lan", "--bind 0.0.0.0", "--static DIR"} {
		// init's notices, which the plugin prints itself, and serve's WARN
		// lines, which it passes on.
		notices = append(notices,
			regexp.MustCompile(`(?m)^\[rtdev\] rtdev\.toml asks .*`+regexp.QuoteMeta(flag)),
			regexp.MustCompile(`(?m)^\[rtdev serve\] .*level=WARN .*rtdev\.toml asks .*`+regexp.QuoteMeta(flag)))
	}
	if missing := waitLines(vite, notices, 10*time.Second); len(missing) > 0 {
		t.Errorf("Vite's output lacks lines matching %q:\n%s", missing, vite.Output.String())
	}
	stopVite(t, a, vite)

	// 2. The control: the developer's own rtdev.local.toml turns lan on.
	writeFile(t, filepath.Join(a.sb.Project, "rtdev.local.toml"), "[serve]\nlan = true\n")
	if out, errOut, err := a.sb.Run("git", "check-ignore", "-q", "rtdev.local.toml"); err != nil {
		t.Fatalf("git does not ignore rtdev.local.toml after the plugin's rtdev init: %v %s%s", err, out, errOut)
	}
	vite = a.startVite(t, port)
	waitReach(t, fromDevice, serveAt+"/rtdev/health")
	refused(serveAt+"/api/ping", serveAt+"/peerjs/admin")
	wantBackend(loopback, "loopback", serveLocal+"/api/ping")
	noSecret(fromDevice, "the device", serveAt)
	noSecret(loopback, "loopback", serveLocal)
	out := vite.Output.String()
	if strings.Contains(out, "asks for lan = true") {
		t.Errorf("lan = true from rtdev.local.toml was reported as left out:\n%s", out)
	}
	for _, flag := range []string{"--bind 0.0.0.0", "--static DIR"} {
		if !strings.Contains(out, flag) {
			t.Errorf("with rtdev.local.toml the plugin no longer names %s for the committed setting:\n%s", flag, out)
		}
	}
	stopVite(t, a, vite)

	// 3. rtdev({ lan: true, serve }): the Vite origin is on the network.
	if err := os.Remove(filepath.Join(a.sb.Project, "rtdev.local.toml")); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(a.sb.Project, "vite.config.js"), strings.Replace(viteConfig(port, servePort, "lan"), "serve: {", "lan: true, serve: {", 1))
	vite = a.startVite(t, port)
	waitReach(t, fromDevice, viteAt+"/rtdev/health")
	refused(viteAt+"/peerjs/admin", serveAt+"/peerjs/admin", serveAt+"/api/ping")
	wantBackend(loopback, "loopback", viteLocal+"/peerjs/admin")
	noSecret(fromDevice, "the device", viteAt)
	noSecret(fromDevice, "the device", serveAt)
	stopVite(t, a, vite)
}

// stopVite ends Vite with SIGTERM, as a process manager would, and waits
// until its rtdev serve is gone too, so the next start begins afresh.
func stopVite(t *testing.T, a *app, vite *harness.Process) {
	t.Helper()
	if err := vite.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitExit(t, vite, 15*time.Second)
	a.waitServes(t, 0)
}

// waitReach waits (10 s) until u answers 200 through c: the bridge may
// take a moment to forward a new link's first packets.
func waitReach(t *testing.T, c *http.Client, u string) {
	t.Helper()
	var status int
	var err error
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if status, _, err = get(c, u); err == nil && status == 200 {
			return
		}
	}
	t.Fatalf("the device cannot reach %s (%d, %v), though it listens on the network: the namespace setup proves nothing", u, status, err)
}

// dialFails connects to addr from namespace ns and returns an error unless
// the connection is refused or times out (3 s).
func dialFails(ns, addr string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	c, err := netns.Dial(ctx, ns, "tcp", addr)
	var ne net.Error
	switch {
	case err == nil:
		_ = c.Close()
		return fmt.Errorf("the device on the Wi-Fi connected to %s", addr)
	case errors.Is(err, syscall.ECONNREFUSED), errors.As(err, &ne) && ne.Timeout():
		return nil
	}
	return fmt.Errorf("dial %s from the device: %v, want refused or a timeout", addr, err)
}

// get fetches u and returns its status and (at most 64 KiB of) body.
func get(c *http.Client, u string) (int, string, error) {
	res, err := c.Get(u)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	return res.StatusCode, string(body), err
}

func randomHex(t *testing.T) string {
	t.Helper()
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b[:])
}
