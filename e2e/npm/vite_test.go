package npm

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rtdev/rtdev/e2e/internal/harness"
)

// viteConfig is the app's vite.config.js: the plugin as a user adds it,
// with the ports moved to free ones. comment changes the file, so Vite
// restarts on the rewrite.
func viteConfig(port, servePort int, comment string) string {
	return fmt.Sprintf(`// %s
import rtdev from 'rtdev/vite'

export default {
  server: { port: %d, strictPort: true },
  plugins: [rtdev({ serve: { port: %d } })],
}
`, comment, port, servePort)
}

// viteApp is the installed app with Vite 8 and peerjs linked in from
// e2e/testdata/npm (after npm install, which would prune them) and the
// page from testdata/app.
func viteApp(t *testing.T) (a *app, port, servePort int) {
	t.Helper()
	a = installApp(t, nil)
	harness.LinkPackages(t, harness.NPMDir(), a.sb.Project, "vite", "peerjs")
	for _, name := range []string{"index.html", "main.js"} {
		data, err := os.ReadFile(filepath.Join("testdata", "app", name))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(a.sb.Project, name), string(data))
	}
	port, servePort = harness.FreePort(t), harness.FreePort(t)
	writeFile(t, filepath.Join(a.sb.Project, "vite.config.js"), viteConfig(port, servePort, "first"))
	return a, port, servePort
}

// startVite starts the app's vite and waits for its page over TLS.
func (a *app) startVite(t *testing.T, port int) *harness.Process {
	t.Helper()
	p := a.sb.Start("", filepath.Join(a.sb.Project, "node_modules", ".bin", "vite"))
	// The plugin's rtdev init writes the CA the page is checked with.
	waitOutput(t, p, regexp.MustCompile(`ready in`), 60*time.Second)
	harness.WaitHTTPSFor(t, fmt.Sprintf("https://localhost:%d/", port), a.sb.CAPool(), p, 60*time.Second)
	return p
}

// TestVitePluginServe runs Vite 8 with plugins: [rtdev({serve})]: the
// plugin's rtdev init makes the certificate and trusts the CA in the
// sandbox's NSS database, Chromium (no certificate flags) loads the page,
// and PeerJS opens through the Vite origin. A restart keeps the one rtdev
// serve; stopping Vite, by SIGINT (Vite has no handler for it) and by
// SIGTERM (Vite's own handler closes the server), leaves none.
func TestVitePluginServe(t *testing.T) {
	harness.RequireTool(t, harness.ChromiumPath)
	a, port, servePort := viteApp(t)
	vite := a.startVite(t, port)
	pids := a.waitServes(t, 1)

	tab := a.sb.Chromium(t)
	harness.WatchTab(t, tab, "vite")
	page := fmt.Sprintf("https://localhost:%d/", port)
	openPeer := func(tab context.Context) {
		t.Helper()
		if err := harness.Navigate(tab, 30*time.Second, page); err != nil {
			t.Fatalf("load %s: %v", page, err)
		}
		harness.WaitJS(t, tab, 30*time.Second, `window.rt && window.rt.open !== null`)
	}
	openPeer(tab)
	// serve's own pages are reachable from the Vite origin too.
	harness.WaitHTTPS(t, page+"rtdev/health", a.sb.CAPool(), vite)
	checkForwarding(t, a, port, servePort, pids[0])

	// The page leaves first: its Vite client would reload it by itself
	// after the restart, and a navigation racing that reload can hang; its
	// peer would also still hold the id the page opens again.
	if err := harness.Navigate(tab, 30*time.Second, "about:blank"); err != nil {
		t.Fatal(err)
	}
	// An edit of vite.config.js restarts Vite: the new server reuses the
	// running rtdev serve rather than starting a second on its port.
	writeFile(t, filepath.Join(a.sb.Project, "vite.config.js"), viteConfig(port, servePort, "edited"))
	waitOutput(t, vite, regexp.MustCompile(`server restarted`), 30*time.Second)
	time.Sleep(time.Second) // the old server's close runs after the new one starts
	if got := a.waitServes(t, 1); !slices.Equal(got, pids) {
		t.Errorf("rtdev serve after the restart: %v, want the same %v", got, pids)
	}
	openPeer(tab)

	if err := vite.Cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	waitExit(t, vite, 15*time.Second)
	a.waitServes(t, 0)

	vite = a.startVite(t, port)
	a.waitServes(t, 1)
	if err := vite.Cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	waitExit(t, vite, 15*time.Second)
	a.waitServes(t, 0)
}

// TestVite5ResolvesConfig is the smoke test for the oldest Vite the plugin
// supports: Vite 5's resolveConfig with the plugin sets server.https to
// the project's certificate and adds the PeerJS proxy.
func TestVite5ResolvesConfig(t *testing.T) {
	a := installApp(t, nil)
	vite5 := filepath.Join(harness.RepoRoot(), "e2e", "testdata", "vite5")
	harness.LinkPackages(t, vite5, a.sb.Project, "vite")
	version := readVersion(t, filepath.Join(a.sb.Project, "node_modules", "vite", "package.json"))
	if !strings.HasPrefix(version, "5.") {
		t.Fatalf("e2e/testdata/vite5 has vite %s", version)
	}
	writeFile(t, filepath.Join(a.sb.Project, "check.mjs"), `import { resolveConfig } from 'vite'
import rtdev from 'rtdev/vite'

const config = await resolveConfig({ configFile: false, logLevel: 'silent', plugins: [rtdev({ serve: true })] }, 'serve')
const https = config.server.https
console.log(JSON.stringify({
  cert: String(https && https.cert).includes('BEGIN CERTIFICATE'),
  key: String(https && https.key).includes('PRIVATE KEY'),
  proxy: Object.keys(config.server.proxy || {}),
}))
`)
	out, errOut, err := a.sb.Run("node", "check.mjs")
	if err != nil {
		t.Fatalf("node check.mjs: %v\n%s%s", err, out, errOut)
	}
	want := `{"cert":true,"key":true,"proxy":["^/peerjs(/|\\?|$)","/rtdev/"]}`
	if strings.TrimSpace(out) != want {
		t.Fatalf("resolveConfig with vite %s gave %s, want %s\n%s", version, out, want, errOut)
	}
	if n := len(a.servePIDs(t)); n != 0 {
		t.Errorf("resolveConfig started %d rtdev serve processes; only a dev server may", n)
	}
}

func readVersion(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`"version":\s*"([^"]+)"`).FindSubmatch(data)
	if m == nil {
		t.Fatalf("%s has no version", path)
	}
	return string(m[1])
}

// TestVitePluginLAN: with lan: true Vite listens on every interface and
// rtdev serve runs with --lan (its phone setup line, when this machine
// has a LAN address the certificate covers, is passed on by the plugin).
func TestVitePluginLAN(t *testing.T) {
	a, port, servePort := viteApp(t)
	config := strings.Replace(viteConfig(port, servePort, "lan"), "serve: {", "lan: true, serve: {", 1)
	writeFile(t, filepath.Join(a.sb.Project, "vite.config.js"), config)
	vite := a.startVite(t, port)
	pids := a.waitServes(t, 1)
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pids[0]))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(strings.Split(string(cmdline), "\x00"), "--lan") {
		t.Errorf("rtdev serve runs as %q, without --lan", cmdline)
	}
	if out := vite.Output.String(); strings.Contains(out, "use --host to expose") {
		t.Errorf("Vite does not listen on the LAN:\n%s", out)
	}
}

// TestVitePluginContainers: containers: true gives the plugin's rtdev
// serve --containers (and nothing more under lan: true, which listens
// everywhere already).
func TestVitePluginContainers(t *testing.T) {
	a, port, servePort := viteApp(t)
	config := strings.Replace(viteConfig(port, servePort, "containers"), "serve: {", "containers: true, serve: {", 1)
	writeFile(t, filepath.Join(a.sb.Project, "vite.config.js"), config)
	a.startVite(t, port)
	pids := a.waitServes(t, 1)
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pids[0]))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(strings.Split(string(cmdline), "\x00"), "--containers") {
		t.Errorf("rtdev serve runs as %q, without --containers", cmdline)
	}
}

// checkForwarding: the plugin hands rtdev serve its forward token in the
// environment, never on the command line, and its proxy speaks for its
// clients with it. A pairing request from the Vite origin passes serve's
// Origin check, so serve believed the host the proxy forwarded; a client's
// own X-Forwarded-For does not count, through Vite (the third room from
// one client is refused whatever it claims) or straight to serve (without
// the token the forwarded Vite host is not believed).
func checkForwarding(t *testing.T, a *app, port, servePort, pid int) {
	t.Helper()
	environ, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
	if err != nil {
		t.Fatal(err)
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		t.Fatal(err)
	}
	var token string
	for _, kv := range strings.Split(string(environ), "\x00") {
		if v, ok := strings.CutPrefix(kv, "RTDEV_FORWARD_TOKEN="); ok {
			token = v
		}
	}
	if len(token) < 40 {
		t.Fatalf("rtdev serve has no forward token of 32 random bytes in its environment: %q", token)
	}
	if strings.Contains(string(cmdline), token) {
		t.Errorf("the forward token is on rtdev serve's command line")
	}

	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: a.sb.CAPool()}}}
	t.Cleanup(client.CloseIdleConnections)
	viteOrigin := fmt.Sprintf("https://localhost:%d", port)
	post := func(base, id string, hdr map[string]string) (int, string) {
		t.Helper()
		req, err := http.NewRequest("POST", base+"/rtdev/pair/new", strings.NewReader(`{"id":"`+id+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Origin", viteOrigin)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	for i := range 3 {
		forged := map[string]string{"X-Forwarded-For": fmt.Sprintf("192.0.2.%d", i+1), "X-Forwarded-Host": "evil.example"}
		status, body := post(viteOrigin, fmt.Sprintf("vite%d", i), forged)
		if want := map[bool]int{true: 200, false: http.StatusTooManyRequests}[i < 2]; status != want {
			t.Errorf("pairing room %d through Vite, with a forged X-Forwarded-For: %d %s, want %d", i+1, status, body, want)
		}
	}
	direct := fmt.Sprintf("https://localhost:%d", servePort)
	for name, hdr := range map[string]map[string]string{
		"no token":    {"X-Forwarded-For": "192.0.2.9", "X-Forwarded-Host": fmt.Sprintf("localhost:%d", port)},
		"wrong token": {"X-Forwarded-For": "192.0.2.9", "X-Forwarded-Host": fmt.Sprintf("localhost:%d", port), "X-Rtdev-Forward-Token": wrongToken(token)},
	} {
		if status, body := post(direct, "direct", hdr); status != http.StatusForbidden {
			t.Errorf("straight to rtdev serve with the Vite origin as X-Forwarded-Host, %s: %d %s, want 403", name, status, body)
		}
	}
}

// wrongToken is token with its last character changed.
func wrongToken(token string) string {
	last := byte('x')
	if token[len(token)-1] == last {
		last = 'y'
	}
	return token[:len(token)-1] + string(last)
}
