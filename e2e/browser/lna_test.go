//go:build linux

package browser

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/rtdev/rtdev/e2e/internal/harness"
	"github.com/rtdev/rtdev/e2e/internal/netns"
)

// lnaFeatures turn on Chrome's Local Network Access checks, which Debian's
// Chromium 156 ships off, for fetches and for WebSockets.
var lnaFeatures = []string{"LocalNetworkAccessChecks", "LocalNetworkAccessChecksWebSockets"}

// laptop is a network namespace playing a developer's laptop: its
// loopback, and one more interface with an address of 198.18.0.0/15 (set
// aside for network tests, RFC 2544) standing in for its Wi-Fi address.
type laptop struct {
	ip, ns, addr string
}

func newLaptop(t *testing.T) *laptop {
	t.Helper()
	ip := netns.Require(t)
	tag := netns.Tag()
	l := &laptop{ip: ip, ns: netns.Name(tag, "laptop"), addr: fmt.Sprintf("198.18.%d.2", rand.IntN(256))}
	netns.Add(t, ip, l.ns)
	// A veth pair with both ends inside: the kernel here has no dummy
	// links. The names must not start with "veth", which rtdev counts as
	// a container's interface.
	wifi, peer := "rtw"+tag, "rtx"+tag
	netns.Run(t, ip, "-n", l.ns, "link", "add", wifi, "type", "veth", "peer", "name", peer)
	netns.Run(t, ip, "-n", l.ns, "addr", "add", l.addr+"/24", "dev", wifi)
	netns.Run(t, ip, "-n", l.ns, "link", "set", peer, "up")
	netns.Run(t, ip, "-n", l.ns, "link", "set", wifi, "up")
	netns.Settle(t, ip, l.ns) // the browser runs in it
	return l
}

// in is argv run inside the laptop.
func (l *laptop) in(argv ...string) []string { return netns.In(l.ip, l.ns, argv...)[1:] }

// waitHealth waits until serve answers at https://host:port inside the
// laptop, trusting only the sandbox's CA.
func (l *laptop) waitHealth(t *testing.T, sb *harness.Sandbox, p *harness.Process, host string, port int) {
	t.Helper()
	client := netns.HTTPClient(l.ns, sb.CAPool(), host, 2*time.Second)
	harness.WaitHTTPSClient(t, client, fmt.Sprintf("https://%s/rtdev/health", hostPort(host, port)), p, step)
}

func hostPort(host string, port int) string { return host + ":" + strconv.Itoa(port) }

// lnaState is the check page's Local Network Access line and what the
// page shows about the phone's setup.
type lnaState struct {
	Hidden     bool   `json:"hidden"`
	State      string `json:"state"`
	Detail     string `json:"detail"`
	WSS        string `json:"wss"`
	SetupQR    bool   `json:"setupQR"`
	LANCommand string `json:"lanCommand"`
	Icon       string `json:"icon"`
}

const readLNA = `(() => {
  const li = document.getElementById("lna");
  const cmd = document.getElementById("lan-command");
  const icon = document.querySelector('link[rel="icon"]');
  return {hidden: li.hidden, state: li.dataset.state, detail: li.querySelector(".detail").textContent,
    wss: document.getElementById("wss").dataset.state, setupQR: !!document.getElementById("setup-qr"),
    lanCommand: cmd ? cmd.textContent : "", icon: icon ? icon.getAttribute("href") : ""};
})()`

// The laptop opens the check page by its LAN address, as the phone does,
// with Chrome's Local Network Access checks on: the page's own socket
// opens, and its probe of wss://localhost (what an app that hard-codes
// localhost opens) is refused; the page says which host to use. Granted
// the loopback-network permission through CDP, the same probe opens.
//
// What Chromium 156 did here, headless, with lnaFeatures: from a page at
// 198.18.x.y (an address Chromium counts as public) the socket to
// localhost failed within about 50 ms, not held: headless has no prompt to
// show, so the request is refused at once. Browser.setPermission with
// "loopback-network" granted, or Browser.grantPermissions with
// loopbackNetwork, made it open; "local-network-access" and
// "local-network" did not. From RFC 1918 and 100.64.0.0/10 addresses the
// socket to localhost opened without any grant, so this test's page is on
// 198.18.0.0/15. The held socket of a headed Chrome (the page's 4 s timer)
// no headless run shows, so the test makes the kernel hold it.
//
// It first runs serve without --lan: the page shows the command to run
// instead of a QR code of localhost, and the test runs that command as
// printed.
func TestCheckPageLocalNetworkAccess(t *testing.T) {
	harness.RequireTool(t, harness.ChromiumPath, "certutil")
	l := newLaptop(t)
	sb := harness.NewSandbox(t)
	// The laptop's certificate covers its Wi-Fi address; 198.18.0.0/15 is
	// outside the CA's built-in ranges, so it is named with --host.
	if out, errOut, err := sb.Run(l.ip, l.in(harness.Binary(t), "init", "--yes", "--host", l.addr)...); err != nil {
		t.Fatalf("rtdev init: %v\n%s\n%s", err, out, errOut)
	}
	port := harness.FreePort(t)
	local := sb.Start("", l.ip, l.in(harness.Binary(t), "serve", "--port", strconv.Itoa(port))...)
	l.waitHealth(t, sb, local, "localhost", port)

	tab, _ := harness.StartChromium(t, harness.ChromiumOptions{Env: sb.Env, Profile: filepath.Join(sb.Home, "chromium-profile"),
		NetNS: l.ns, IP: l.ip, Features: lnaFeatures})
	harness.WatchTab(t, tab, "laptop")
	read := func(url string) lnaState {
		t.Helper()
		if err := harness.Navigate(tab, step, url); err != nil {
			t.Fatalf("load %s: %v", url, err)
		}
		harness.WaitJS(t, tab, step, `(() => { const s = document.getElementById("wss").dataset.state;
  const li = document.getElementById("lna");
  return s === "fail" || (s === "ok" && (li.hidden || li.dataset.state !== "pending")); })()`)
		return harness.Evaluate[lnaState](t, tab, step, readLNA)
	}

	// From localhost: no probe (the page's own socket is the socket to
	// localhost, and it opens), no QR code of localhost, the command to
	// run, and the icon.
	st := read(fmt.Sprintf("https://localhost:%d/rtdev/", port))
	want := harness.Binary(t) + " serve --port=" + strconv.Itoa(port) + " --lan"
	if st.WSS != "ok" || !st.Hidden || st.SetupQR || st.LANCommand != want {
		t.Fatalf("check page from localhost without --lan: %+v; want wss ok, no probe, no QR, command %q", st, want)
	}
	if st.Icon != "/rtdev/favicon.ico" {
		t.Errorf("icon link %q", st.Icon)
	}
	ctx, cancel := context.WithTimeout(tab, step)
	icons, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Promise.all(["/rtdev/favicon.ico", "/favicon.ico"].map((u) =>
  fetch(u).then(async (r) => r.status + " " + r.headers.get("Content-Type") + " " + new Uint8Array(await r.arrayBuffer()).slice(0, 4).join(","))))`,
		chromedp.EvalAwaitPromise))
	cancel()
	if err != nil {
		t.Fatalf("fetch the icons: %v", err)
	}
	for i, got := range icons {
		if got != "200 image/x-icon 0,0,1,0" {
			t.Errorf("icon %d: %q, want an ICO", i, got)
		}
	}

	// The command as printed, in the project folder, in the laptop.
	local.Stop()
	lan := sb.Start("", l.ip, l.in("/bin/sh", "-c", "exec "+st.LANCommand)...)
	l.waitHealth(t, sb, lan, l.addr, port)

	page := fmt.Sprintf("https://%s/rtdev/", hostPort(l.addr, port))
	st = read(page)
	use := fmt.Sprintf("wss://%s/peerjs", hostPort(l.addr, port))
	if st.WSS != "ok" || st.Hidden || st.State != "warn" {
		t.Fatalf("check page from %s: %+v; want its own socket ok and the probe of localhost refused", l.addr, st)
	}
	t.Logf("the check page from %s: %s", l.addr, st.Detail)
	for _, w := range []string{"Local Network Access", "wss://localhost:" + strconv.Itoa(port), "Use this page's host in the socket URL: " + use, "location.hostname"} {
		if !strings.Contains(st.Detail, w) {
			t.Errorf("the page's LNA line lacks %q: %s", w, st.Detail)
		}
	}

	// The user's "Allow", as CDP gives it.
	ctx, cancel = context.WithTimeout(tab, step)
	_, err = chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
		Permission: &browser.PermissionDescriptor{Name: "loopback-network"}, Setting: browser.PermissionSettingGranted,
		Origin: "https://" + hostPort(l.addr, port)})
	cancel()
	if err != nil {
		t.Fatalf("Browser.setPermission loopback-network: %v", err)
	}
	if st = read(page); st.State != "ok" || !strings.Contains(st.Detail, "may open wss://localhost:"+strconv.Itoa(port)) {
		t.Errorf("after the permission was granted: %+v; want the probe open", st)
	}

	// A headed Chrome holds the socket while its prompt waits: the kernel
	// plays that here by dropping what reaches localhost:PORT, so the probe
	// neither opens nor fails. Past the page's 4 s the line says so, with
	// the host to use; the socket opening later (the user's "Allow") turns
	// it ok.
	release := netns.HoldLoopbackPort(t, l.ns, port)
	st = read(page)
	if st.State != "warn" {
		t.Fatalf("probe held: %+v; want the held warning", st)
	}
	t.Logf("the check page with the socket held: %s", st.Detail)
	for _, w := range []string{"neither opened nor failed within 4 s", "Local Network Access prompt", "Use this page's host in the socket URL: " + use} {
		if !strings.Contains(st.Detail, w) {
			t.Errorf("the held line lacks %q: %s", w, st.Detail)
		}
	}
	release()
	harness.WaitJS(t, tab, step, `document.getElementById("lna").dataset.state === "ok"`)
	if st = harness.Evaluate[lnaState](t, tab, step, readLNA); !strings.Contains(st.Detail, "may open wss://localhost:"+strconv.Itoa(port)) {
		t.Errorf("after the held socket opened: %+v", st)
	}
}
