package browser

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/rtdev/rtdev/e2e/internal/harness"
	"github.com/rtdev/rtdev/internal/testtool"
)

// step bounds one browser action or one wait; it is a timeout, never an
// expectation of how long anything takes.
const step = 30 * time.Second

// staticDir is the folder `rtdev serve --static` serves for the peerjs
// test: our page and the peerjs bundle exactly as npm installed it.
func staticDir(t *testing.T, sb *harness.Sandbox) string {
	t.Helper()
	peerjs := harness.RequireNPM(t, "peerjs")
	dir := filepath.Join(sb.Project, "web")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for dst, src := range map[string]string{
		"page.html":     filepath.Join("testdata", "page.html"),
		"peerjs.min.js": filepath.Join(peerjs, "dist", "peerjs.min.js"),
	} {
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, dst), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// pageState is what testdata/page.html records in window.rt.
type pageState struct {
	Open      string   `json:"open"`
	Connected bool     `json:"connected"`
	Received  []string `json:"received"`
	Errors    []string `json:"errors"`
}

// waitPeer waits until cond holds in the page (or the page reports an
// error, which fails the test at once) and returns the page's state.
func waitPeer(t *testing.T, tab context.Context, cond string) pageState {
	t.Helper()
	harness.WaitJS(t, tab, step, `!!window.rt && (`+cond+` || rt.errors.length > 0)`)
	st := harness.Evaluate[pageState](t, tab, step, `rt`)
	if len(st.Errors) > 0 {
		t.Fatalf("the page reported errors: %q", st.Errors)
	}
	return st
}

func TestPeerJSDataConnection(t *testing.T) {
	harness.RequireTool(t, harness.ChromiumPath)

	// The control first: with the CA only created, not trusted, the same
	// browser setup must refuse the page. This is what proves that nothing
	// in the harness bypasses certificate verification.
	t.Run("untrusted CA is refused", func(t *testing.T) {
		sb := harness.NewSandbox(t)
		sb.Init("--no-trust")
		port := harness.FreePort(t)
		sb.Serve(port, "--static", staticDir(t, sb))
		browser := sb.Chromium(t)
		harness.WatchTab(t, browser, "untrusted")

		err := harness.Navigate(browser, step, fmt.Sprintf("https://localhost:%d/page.html?id=control", port))
		var loadErr *chromedp.LoadError
		if !errors.As(err, &loadErr) || loadErr.ErrorText != "net::ERR_CERT_AUTHORITY_INVALID" {
			t.Fatalf("navigation with an untrusted CA: got %v, want the load error net::ERR_CERT_AUTHORITY_INVALID", err)
		}
	})

	t.Run("data connection both ways", func(t *testing.T) {
		sb := harness.NewSandbox(t)
		sb.Init()
		port := harness.FreePort(t)
		sb.Serve(port, "--static", staticDir(t, sb))
		browser := sb.Chromium(t)
		tabA := browser
		harness.WatchTab(t, tabA, "A")
		tabB := harness.OpenTab(t, browser, "B")

		// GET / is the PeerJS server's info document, so the page lives
		// at a sub path of the static folder.
		page := fmt.Sprintf("https://localhost:%d/page.html", port)
		const idA, idB = "rtdev-e2e-a", "rtdev-e2e-b"
		if err := harness.Navigate(tabA, step, page+"?id="+idA+"&reply="+url.QueryEscape("pong from A")); err != nil {
			t.Fatalf("load page A: %v", err)
		}
		if st := waitPeer(t, tabA, `rt.open !== null`); st.Open != idA {
			t.Fatalf("peer A opened as %q, want %q", st.Open, idA)
		}
		if err := harness.Navigate(tabB, step, page+"?id="+idB); err != nil {
			t.Fatalf("load page B: %v", err)
		}
		if st := waitPeer(t, tabB, `rt.open !== null`); st.Open != idB {
			t.Fatalf("peer B opened as %q, want %q", st.Open, idB)
		}

		harness.Evaluate[chromedp.Void](t, tabB, step, fmt.Sprintf(`connectTo(%q, "ping from B")`, idA))
		a := waitPeer(t, tabA, `rt.received.length > 0`)
		b := waitPeer(t, tabB, `rt.received.length > 0`)
		if !slices.Equal(a.Received, []string{"ping from B"}) {
			t.Errorf("A received %q, want [\"ping from B\"]", a.Received)
		}
		if !slices.Equal(b.Received, []string{"pong from A"}) {
			t.Errorf("B received %q, want [\"pong from A\"]", b.Received)
		}
		if !a.Connected || !b.Connected {
			t.Errorf("DataConnection open: A %v, B %v", a.Connected, b.Connected)
		}
	})
}

// Two real peerjs clients, each connected to a different rtdev serve
// instance of one cluster, open a DataConnection: the OFFER, ANSWER and
// CANDIDATEs all cross instances through Redis.
func TestPeerJSAcrossClusterInstances(t *testing.T) {
	harness.RequireTool(t, harness.ChromiumPath)
	rp := testtool.Redis(t)
	sb := harness.NewSandbox(t)
	sb.Init()
	static := staticDir(t, sb)
	ports := []int{harness.FreePort(t), harness.FreePort(t)}
	for _, port := range ports {
		sb.Serve(port, "--static", static, "--cluster", rp.URL())
	}
	browser := sb.Chromium(t)
	tabA := browser
	harness.WatchTab(t, tabA, "A")
	tabB := harness.OpenTab(t, browser, "B")

	// Each page connects to the instance it was loaded from (its own port).
	const idA, idB = "rtdev-cluster-a", "rtdev-cluster-b"
	pageA := fmt.Sprintf("https://localhost:%d/page.html?id=%s&reply=%s", ports[0], idA, url.QueryEscape("pong from A"))
	pageB := fmt.Sprintf("https://localhost:%d/page.html?id=%s", ports[1], idB)
	for _, p := range []struct {
		tab     context.Context
		url, id string
	}{{tabA, pageA, idA}, {tabB, pageB, idB}} {
		if err := harness.Navigate(p.tab, step, p.url); err != nil {
			t.Fatalf("load %s: %v", p.url, err)
		}
		if st := waitPeer(t, p.tab, `rt.open !== null`); st.Open != p.id {
			t.Fatalf("peer opened as %q, want %q", st.Open, p.id)
		}
	}
	harness.Evaluate[chromedp.Void](t, tabB, step, fmt.Sprintf(`connectTo(%q, "ping from B")`, idA))
	a := waitPeer(t, tabA, `rt.received.length > 0`)
	b := waitPeer(t, tabB, `rt.received.length > 0`)
	if !slices.Equal(a.Received, []string{"ping from B"}) || !slices.Equal(b.Received, []string{"pong from A"}) {
		t.Errorf("A received %q, B received %q", a.Received, b.Received)
	}
	if !a.Connected || !b.Connected {
		t.Errorf("DataConnection open: A %v, B %v", a.Connected, b.Connected)
	}
}

// checkState is what the check page shows: each check's data-state and the
// summary in output#result.
type checkState struct {
	HTTPS      string `json:"https"`
	WSS        string `json:"wss"`
	P2P        string `json:"p2p"`
	Result     string `json:"result"`
	ResultText string `json:"resultText"`
}

const readCheck = `(() => {
  const s = (id) => document.getElementById(id).dataset.state;
  return {https: s("https"), wss: s("wss"), p2p: s("p2p"), result: s("result"),
    resultText: document.getElementById("result").textContent};
})()`

func TestCheckPageTwoTabs(t *testing.T) {
	harness.RequireTool(t, harness.ChromiumPath)
	sb := harness.NewSandbox(t)
	sb.Init()
	port := harness.FreePort(t)
	sb.Serve(port)
	browser := sb.Chromium(t)
	harness.WatchTab(t, browser, "1")
	tabs := []context.Context{browser, harness.OpenTab(t, browser, "2")}

	page := fmt.Sprintf("https://localhost:%d/rtdev/", port)
	for i, tab := range tabs {
		if err := harness.Navigate(tab, step, page); err != nil {
			t.Fatalf("load the check page in tab %d: %v", i+1, err)
		}
	}
	// Done when every check passed or one failed; the assertions below say
	// which.
	const settled = `(() => {
  const states = ["https", "wss", "p2p"].map((id) => document.getElementById(id).dataset.state);
  return states.every((s) => s === "ok") || states.includes("fail");
})()`
	for i, tab := range tabs {
		harness.WaitJS(t, tab, step, settled)
		st := harness.Evaluate[checkState](t, tab, step, readCheck)
		if st.HTTPS != "ok" || st.WSS != "ok" || st.P2P != "ok" {
			t.Errorf("tab %d: https %s, wss %s, p2p %s (want ok for all)", i+1, st.HTTPS, st.WSS, st.P2P)
		}
		if st.Result != "ok" || st.ResultText != "All checks passed: HTTPS, WSS and a peer-to-peer data channel." {
			t.Errorf("tab %d: result %s %q", i+1, st.Result, st.ResultText)
		}
	}

	// Each tab shows a pairing code, and one address holds at most two: a
	// reloaded tab gives its code back as it goes (pagehide), so it gets a
	// new one rather than "already shows 2 pairing codes".
	const pairShown = `document.getElementById("pair").dataset.state !== "pending"`
	const pairState = `document.getElementById("pair").dataset.state + ": " + document.getElementById("pair-status").textContent`
	for i := range 3 {
		if err := harness.Navigate(browser, step, page); err != nil {
			t.Fatalf("reload %d: %v", i+1, err)
		}
		harness.WaitJS(t, browser, step, pairShown)
		if got := harness.Evaluate[string](t, browser, step, pairState); !strings.HasPrefix(got, "wait: ") {
			t.Errorf("pairing after reload %d: %s", i+1, got)
		}
	}
}
