package npm

import (
	"context"
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/rtdev/rtdev/e2e/internal/harness"
)

// proxyErrorLine is what Vite logs, with a stack trace, for an error event
// on its proxy or on a proxied WebSocket.
var proxyErrorLine = regexp.MustCompile(`(ws|http) proxy (socket )?error`)

// TestVitePluginQuietWhenATabCloses: a PeerJS page opened through Vite,
// then closed, is a peer going away, not an error: Vite's output stays
// free of proxy errors and their stack traces, tab after tab.
func TestVitePluginQuietWhenATabCloses(t *testing.T) {
	harness.RequireTool(t, harness.ChromiumPath)
	a, port, _ := viteApp(t)
	vite := a.startVite(t, port)
	browser := a.sb.Chromium(t)
	harness.WatchTab(t, browser, "first")
	page := fmt.Sprintf("https://localhost:%d/", port)
	open := func(tab context.Context) {
		t.Helper()
		if err := harness.Navigate(tab, 60*time.Second, page); err != nil {
			t.Fatalf("load %s: %v", page, err)
		}
		harness.WaitJS(t, tab, 60*time.Second, `window.rt && window.rt.open !== null`)
	}
	// The first page also waits out Vite's first dependency bundling.
	open(browser)
	for i := range 2 {
		tab := harness.OpenTab(t, browser, fmt.Sprintf("tab %d", i+1))
		open(tab)
		// The tab goes away as a user closes it: the browser ends its
		// sockets while serve may still be writing to them.
		closeTab(t, tab)
	}
	// serve notices the gone peer on its next write or read; give both
	// ends time to log anything they would.
	time.Sleep(3 * time.Second)
	if out := vite.Output.String(); proxyErrorLine.MatchString(out) {
		t.Errorf("Vite logged a proxy error when a PeerJS tab closed:\n%s", out)
	}
}

// closeTab closes the tab's target the way the tab strip does
// (chromedp.Cancel closes the target and waits for it to go).
func closeTab(t *testing.T, tab context.Context) {
	t.Helper()
	if err := chromedp.Cancel(tab); err != nil {
		t.Fatalf("close tab: %v", err)
	}
}
