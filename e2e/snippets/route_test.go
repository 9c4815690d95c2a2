package snippets

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/rtdev/rtdev/e2e/internal/harness"
)

// routePage is the app behind the route: a module that accepts its own
// hot updates (so an edit is applied without a reload) and the rendered
// peerjs snippet, opened from the page's own origin.
const routePage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>rtdev route check</title></head>
<body>
<p id="module"></p>
<script type="module" src="/main.js"></script>
<script type="module" src="/peer-page.js"></script>
</body>
</html>
`

func routeModule(version string) string {
	return "document.getElementById('module').textContent = '" + version + "'\n" +
		"if (import.meta.hot) import.meta.hot.accept()\n"
}

// TestViteBehindServeRoute runs Vite plain with the config from `rtdev
// snippet vite --behind-serve`, mounted on rtdev serve with --route
// /=http://localhost:VITE. Chromium, trusting the CA only through NSS,
// loads the app from the serve port; the page's PeerJS client gets OPEN on
// that same origin; and after the test edits a module the page shows the
// change without a reload: HMR's WebSocket goes through the route.
func TestViteBehindServeRoute(t *testing.T) {
	harness.RequireTool(t, "node")
	sb := harness.NewSandbox(t)
	sb.Init()
	linkPackages(t, sb, "vite", "peerjs")
	servePort, vitePort := harness.FreePort(t), harness.FreePort(t)
	cfgPath := filepath.Join(sb.Project, "rtdev.toml")
	writeFile(t, cfgPath, replaceN(t, readFile(t, cfgPath), "\nport = 9000\n", fmt.Sprintf("\nport = %d\n", servePort), 1))

	copyFile(t, filepath.Join("testdata", "vite", "package.json"), filepath.Join(sb.Project, "package.json"))
	copyFile(t, filepath.Join("testdata", "vite", "peer-page.js"), filepath.Join(sb.Project, "peer-page.js"))
	writeFile(t, filepath.Join(sb.Project, "index.html"), routePage)
	writeFile(t, filepath.Join(sb.Project, "main.js"), routeModule("version 1"))
	writeFile(t, filepath.Join(sb.Project, "peer.js"), sb.Rtdev("snippet", "peerjs"))
	config := replaceN(t, sb.Rtdev("snippet", "vite", "--behind-serve"), "port: 5173,", fmt.Sprintf("port: %d,", vitePort), 1)
	writeFile(t, filepath.Join(sb.Project, "vite.config.js"), config)

	vite := sb.Start("", filepath.Join(sb.Project, "node_modules", ".bin", "vite"))
	waitHTTP(t, "http://127.0.0.1:"+strconv.Itoa(vitePort)+"/", vite)
	sb.Serve(servePort, "--route", "/=http://localhost:"+strconv.Itoa(vitePort))

	tab := sb.Chromium(t)
	harness.WatchTab(t, tab, "route")
	hmr := consoleSeen(tab, "[vite] connected.")
	url := fmt.Sprintf("https://localhost:%d/", servePort)
	if err := harness.Navigate(tab, step, url); err != nil {
		t.Fatalf("navigate to %s: %v", url, err)
	}
	harness.WaitJS(t, tab, step, `document.getElementById('module').textContent === 'version 1'`)
	waitPeerOpen(t, tab, step)
	select {
	case <-hmr:
	case <-time.After(step):
		t.Fatal("Vite's HMR client never connected through the serve port's route")
	}

	// A marker a reload would lose, then the edit.
	harness.Evaluate[chromedp.Void](t, tab, step, `window.kept = true`)
	writeFile(t, filepath.Join(sb.Project, "main.js"), routeModule("version 2"))
	harness.WaitJS(t, tab, step, `document.getElementById('module').textContent === 'version 2'`)
	if kept := harness.Evaluate[bool](t, tab, step, `window.kept === true`); !kept {
		t.Error("the page reloaded instead of taking the hot update")
	}
}

// waitHTTP polls a plain dev server until it answers (a failure bound, not
// a speed figure).
func waitHTTP(t *testing.T, url string, p *harness.Process) {
	t.Helper()
	deadline := time.Now().Add(step)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never answered: %v\n%s", url, err, p.Output.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}
