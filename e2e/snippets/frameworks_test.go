package snippets

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/rtdev/rtdev/e2e/internal/harness"
	"github.com/rtdev/rtdev/internal/testtool"
)

// devServerWait bounds a Nuxt or Next dev server's first answer and a
// page's hydration: both compile on first request, on a machine that may
// be shared. It is a protocol bound, never an expectation of speed.
const devServerWait = 5 * time.Minute

// reconnectWatch is how long the test watches for a socket after destroy():
// longer than the snippet's one-second reconnect delay, so a reconnect the
// snippet would make has happened by then.
const reconnectWatch = 4 * time.Second

// TestPeerJSSnippetNoReconnectAfterDestroy loads the rendered peerjs
// snippet in a Vite page, waits for OPEN from rtdev serve, calls destroy()
// and counts the page's WebSocket connections: the one it opened and no
// other. rtdev serve, asked with --allow-discovery, no longer lists the id.
func TestPeerJSSnippetNoReconnectAfterDestroy(t *testing.T) {
	sb := harness.NewSandbox(t)
	sb.Init()
	servePort := servePeerJS(t, sb)
	linkPackages(t, sb, "peerjs")
	writeFile(t, filepath.Join(sb.Project, "peer.js"), sb.Rtdev("snippet", "peerjs"))
	url := startVite(t, sb) + "peer.html"

	tab := sb.Chromium(t)
	harness.WatchTab(t, tab, "peerjs")
	sockets := watchWebSockets(t, tab, "/peerjs?")
	if err := harness.Navigate(tab, step, url); err != nil {
		t.Fatalf("navigate to %s: %v", url, err)
	}
	id := waitPeerOpen(t, tab, step)
	if peers := listPeers(t, sb, servePort); !strings.Contains(strings.Join(peers, ","), id) {
		t.Fatalf("rtdev serve lists %q, want the open peer %s among them", peers, id)
	}

	harness.Evaluate[chromedp.Void](t, tab, step, `rt.peer.destroy()`)
	time.Sleep(reconnectWatch)
	if got := sockets.created(); len(got) != 1 {
		t.Errorf("the page opened %d signaling sockets, want 1 (a reconnect after destroy() holds the id):\n%s", len(got), strings.Join(got, "\n"))
	}
	if st := harness.Evaluate[bool](t, tab, step, `rt.peer.destroyed && rt.closed`); !st {
		t.Errorf("after destroy(): peer.destroyed and its close event = %v, want true", st)
	}
	if peers := listPeers(t, sb, servePort); len(peers) != 0 {
		t.Errorf("rtdev serve still lists %q after destroy()", peers)
	}
}

// TestClientSnippetsFollowPageHost opens the rendered peerjs and websocket
// snippets from a page at https://127.0.0.1 rather than localhost: each
// socket goes to the page's own host (what keeps a page opened at a LAN
// address off localhost, which Chrome's Local Network Access holds for a
// permission prompt) and works there: PeerJS gets OPEN from rtdev serve,
// and the websocket snippet gets the echo of the rendered Python server.
func TestClientSnippetsFollowPageHost(t *testing.T) {
	sb := harness.NewSandbox(t)
	sb.Init()
	servePort := servePeerJS(t, sb)
	echoPort, echo := startPythonServer(t, sb)
	dialUntilUp(t, fmt.Sprintf("wss://localhost:%d/", echoPort), sb.CAPool(), echo).Close()
	linkPackages(t, sb, "peerjs")
	writeFile(t, filepath.Join(sb.Project, "peer.js"), sb.Rtdev("snippet", "peerjs"))
	// The websocket snippet renders its target's default port, 8443.
	socket := replaceN(t, sb.Rtdev("snippet", "websocket"), ":8443/", fmt.Sprintf(":%d/", echoPort), 1)
	writeFile(t, filepath.Join(sb.Project, "socket.js"), socket)
	base := strings.Replace(startVite(t, sb), "https://localhost:", "https://127.0.0.1:", 1)

	tab := sb.Chromium(t)
	harness.WatchTab(t, tab, "page-host")
	sockets := watchWebSockets(t, tab, "wss://")
	if err := harness.Navigate(tab, step, base+"peer.html"); err != nil {
		t.Fatalf("navigate to %speer.html: %v", base, err)
	}
	waitPeerOpen(t, tab, step)
	if err := harness.Navigate(tab, step, base+"socket.html"); err != nil {
		t.Fatalf("navigate to %ssocket.html: %v", base, err)
	}
	harness.WaitJS(t, tab, step, `!!window.rt && window.rt.message !== null`)
	if got := harness.Evaluate[string](t, tab, step, `window.rt.message`); got != "hello" {
		t.Errorf("websocket snippet got %q, want the echo of its hello", got)
	}

	// Vite's HMR client opens a socket of its own to the page's port.
	var peerjs, own int
	for _, u := range sockets.created() {
		switch {
		case strings.HasPrefix(u, fmt.Sprintf("wss://127.0.0.1:%d/peerjs?", servePort)):
			peerjs++
		case u == fmt.Sprintf("wss://127.0.0.1:%d/", echoPort):
			own++
		case strings.HasPrefix(u, strings.Replace(base, "https://", "wss://", 1)):
		default:
			t.Errorf("a socket to %s, not to the page's host 127.0.0.1", u)
		}
	}
	if peerjs != 1 || own != 1 {
		t.Errorf("sockets %q: want one PeerJS and one websocket-snippet socket to 127.0.0.1", sockets.created())
	}
}

// TestNuxtTrustedPeerOpen runs the committed Nuxt 4 and Nuxt 3 apps
// (e2e/testdata/nuxt4, nuxt3: the pinned packages; the page is
// testdata/nuxt/app.vue) with the rendered nuxt.config.ts and peerjs snippet: Chromium, trusting the CA
// only through NSS, loads the page, and the page's peer gets OPEN from
// rtdev serve. The server render runs the page too, so a snippet that
// opened its socket outside onMounted would fail it.
func TestNuxtTrustedPeerOpen(t *testing.T) {
	for _, app := range []string{"nuxt4", "nuxt3"} {
		t.Run(app, func(t *testing.T) {
			sb := harness.NewSandbox(t)
			sb.Init()
			servePeerJS(t, sb)
			copyApp(t, sb, app)
			// Both versions run the same page: only the installed Nuxt differs.
			copyFile(t, filepath.Join("testdata", "nuxt", "app.vue"), filepath.Join(sb.Project, "app.vue"))
			writeFile(t, filepath.Join(sb.Project, "peer.js"), sb.Rtdev("snippet", "peerjs"))
			port := harness.FreePort(t)
			config := replaceN(t, sb.Rtdev("snippet", "nuxt"), "port: 3000,", fmt.Sprintf("port: %d,", port), 1)
			requireRelative(t, sb, config)
			writeFile(t, filepath.Join(sb.Project, "nuxt.config.ts"), config)

			sb.Setenv("NUXT_TELEMETRY_DISABLED", "1")
			p := sb.Start("", filepath.Join(sb.Project, "node_modules", ".bin", "nuxt"), "dev")
			url := fmt.Sprintf("https://localhost:%d/", port)
			harness.WaitHTTPSFor(t, url, sb.CAPool(), p, devServerWait)
			loadTrustedPeerPage(t, sb, app, url, "page served by nuxt")
		})
	}
}

// TestNextTrustedPeerOpen runs the committed Next app with the rendered
// "dev" script merged into its package.json (run by npm, as a developer
// runs it), next.config.mjs from next-config, and the peerjs snippet in a
// useEffect. Next's dev mode mounts twice (React StrictMode), so the page
// also shows that the first, destroyed peer leaves no socket behind.
func TestNextTrustedPeerOpen(t *testing.T) {
	harness.RequireTool(t, "npm")
	sb := harness.NewSandbox(t)
	sb.Init()
	servePort := servePeerJS(t, sb)
	copyApp(t, sb, "next")
	writeFile(t, filepath.Join(sb.Project, "peer.js"), sb.Rtdev("snippet", "peerjs"))
	writeFile(t, filepath.Join(sb.Project, "next.config.mjs"), sb.Rtdev("snippet", "next-config"))
	port := harness.FreePort(t)
	script := replaceN(t, packageScript(t, sb.Rtdev("snippet", "next"), "dev"), "-p 3000 ", fmt.Sprintf("-p %d ", port), 1)
	requireRelative(t, sb, script)
	mergeScript(t, filepath.Join(sb.Project, "package.json"), "dev", script)

	sb.Setenv("NEXT_TELEMETRY_DISABLED", "1")
	p := sb.Start("", "npm", "run", "dev")
	url := fmt.Sprintf("https://localhost:%d/", port)
	harness.WaitHTTPSFor(t, url, sb.CAPool(), p, devServerWait)
	tab := loadTrustedPeerPage(t, sb, "next", url, "page served by next")

	time.Sleep(reconnectWatch)
	mounts := harness.Evaluate[int](t, tab, step, `rt.peers`)
	if peers := listPeers(t, sb, servePort); len(peers) != 1 {
		t.Errorf("after %d mounts rtdev serve lists %q, want the one live peer", mounts, peers)
	}
}

// loadTrustedPeerPage loads url in Chromium (the CA trusted only through
// the sandbox's NSS database), checks the page text and waits for the
// page's peer to get OPEN from rtdev serve.
func loadTrustedPeerPage(t *testing.T, sb *harness.Sandbox, name, url, text string) context.Context {
	t.Helper()
	tab := sb.Chromium(t)
	harness.WatchTab(t, tab, name)
	if err := harness.Navigate(tab, devServerWait, url); err != nil {
		t.Fatalf("navigate to %s: %v", url, err)
	}
	if body := harness.Evaluate[string](t, tab, step, `document.body.innerText`); !strings.Contains(body, text) {
		t.Errorf("page text %q lacks %q", body, text)
	}
	waitPeerOpen(t, tab, devServerWait)
	return tab
}

// waitPeerOpen waits until the page's peer got OPEN (or reported an error,
// which fails the test) and returns its id.
func waitPeerOpen(t *testing.T, tab context.Context, timeout time.Duration) string {
	t.Helper()
	harness.WaitJS(t, tab, timeout, `!!window.rt && (rt.open !== null || rt.errors.length > 0)`)
	if errs := harness.Evaluate[[]string](t, tab, step, `rt.errors`); len(errs) > 0 {
		t.Fatalf("the page's peer reported errors: %q", errs)
	}
	return harness.Evaluate[string](t, tab, step, `rt.open`)
}

// servePeerJS moves rtdev.toml's serve port to a free one (the peerjs
// snippet renders it) and starts rtdev serve there with --allow-discovery,
// so the test can ask which peers it holds.
func servePeerJS(t *testing.T, sb *harness.Sandbox) int {
	t.Helper()
	port := harness.FreePort(t)
	cfgPath := filepath.Join(sb.Project, "rtdev.toml")
	writeFile(t, cfgPath, replaceN(t, readFile(t, cfgPath), "\nport = 9000\n", fmt.Sprintf("\nport = %d\n", port), 1))
	sb.Serve(port, "--allow-discovery")
	return port
}

// listPeers is the ids rtdev serve holds (GET /peerjs/peers).
func listPeers(t *testing.T, sb *harness.Sandbox, port int) []string {
	t.Helper()
	client := &http.Client{Timeout: step, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: sb.CAPool()}}}
	res, err := client.Get(fmt.Sprintf("https://localhost:%d/peerjs/peers", port))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var ids []string
	if err := json.NewDecoder(res.Body).Decode(&ids); err != nil {
		t.Fatalf("GET /peerjs/peers: %v", err)
	}
	return ids
}

// socketWatch records the WebSocket connections a tab opens.
type socketWatch struct {
	mu   sync.Mutex
	urls []string
}

func (w *socketWatch) created() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string{}, w.urls...)
}

// watchWebSockets records, through the DevTools protocol (chromedp enables
// its Network domain), every WebSocket the page creates whose URL contains
// part, from now on.
func watchWebSockets(t *testing.T, tab context.Context, part string) *socketWatch {
	t.Helper()
	w := &socketWatch{}
	// Listen, not Events: fn runs before the next message is read, so no
	// socket created before a later check is missed.
	err := chromedp.Listen(tab, func(ev any) {
		if ws, ok := ev.(*network.EventWebSocketCreated); ok && strings.Contains(ws.URL, part) {
			w.mu.Lock()
			w.urls = append(w.urls, ws.URL)
			w.mu.Unlock()
		}
	})
	if err != nil {
		t.Fatalf("listen for WebSocket events: %v", err)
	}
	return w
}

// copyApp makes the sandbox project the committed app e2e/testdata/NAME:
// its files copied, its node_modules (installed by scripts/test-deps.sh)
// hard-linked with cp -al. The folders are then the project's own, inside
// it, as Turbopack and Vite's fs.allow want, and what the dev servers
// write there (caches) stays in the sandbox, without copying 300 MB.
func copyApp(t *testing.T, sb *harness.Sandbox, name string) {
	t.Helper()
	harness.RequireTool(t, "node", "cp")
	src := filepath.Join(harness.RepoRoot(), "e2e", "testdata", name)
	if _, err := os.Stat(filepath.Join(src, "node_modules", ".package-lock.json")); err != nil {
		testtool.Missing(t, fmt.Sprintf("e2e/testdata/%s has no node_modules: run scripts/test-deps.sh (npm ci there)", name))
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		from, to := filepath.Join(src, e.Name()), filepath.Join(sb.Project, e.Name())
		args := []string{"-R", from, to}
		if e.Name() == "node_modules" {
			args = []string{"-al", from, to}
		}
		if out, err := exec.Command("cp", args...).CombinedOutput(); err != nil {
			t.Fatalf("cp %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

// mergeScript puts scripts.NAME = script into a package.json, as a
// developer merges the snippet's JSON into theirs.
func mergeScript(t *testing.T, path, name, script string) {
	t.Helper()
	var pkg map[string]any
	if err := json.Unmarshal([]byte(readFile(t, path)), &pkg); err != nil {
		t.Fatal(err)
	}
	scripts, _ := pkg["scripts"].(map[string]any)
	if scripts == nil {
		scripts = map[string]any{}
	}
	scripts[name] = script
	pkg["scripts"] = scripts
	b, err := json.MarshalIndent(pkg, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, path, string(b)+"\n")
}

// requireRelative fails when a committed file's snippet names the
// sandbox's absolute project folder: it would break for every teammate.
func requireRelative(t *testing.T, sb *harness.Sandbox, snippet string) {
	t.Helper()
	if !strings.Contains(snippet, ".rtdev/key.pem") || strings.Contains(snippet, sb.Project) {
		t.Fatalf("want project-relative .rtdev/ paths in:\n%s", snippet)
	}
}
