package harness

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ChromiumPath is Debian's Chromium.
const ChromiumPath = "/usr/bin/chromium"

// Chromium starts headless Chromium for the sandbox: its HOME (and so its
// NSS databases) is the sandbox's, and it gets no certificate flag of any
// kind, so a page loads only if the CA is really trusted. The flags (see
// StartChromium) keep it off the network (this machine has none) and let
// WebRTC use plain host candidates instead of mDNS names nothing here
// resolves.
func (sb *Sandbox) Chromium(t testing.TB) context.Context {
	t.Helper()
	ctx, _ := StartChromium(t, ChromiumOptions{Env: sb.Env, Profile: filepath.Join(sb.Home, "chromium-profile")})
	return ctx
}

// ChromiumOptions say where and as whom a browser runs.
type ChromiumOptions struct {
	// Env is the browser's whole environment; its HOME picks the NSS
	// database Chromium trusts.
	Env []string
	// Profile is the user data folder.
	Profile string
	// NetNS, when set, runs the browser in that network namespace through
	// "ip netns exec" (IP is the path of ip). chromedp drives it over a
	// pipe, so the test needs no address inside the namespace.
	NetNS, IP string
	// UserAgent, when set, replaces the browser's User-Agent.
	UserAgent string
	// Features are Chromium features to turn on (--enable-features), such
	// as checks a Chromium build ships off.
	Features []string
}

// StartChromium starts headless Chromium with the flags every e2e test
// uses and returns its first tab, started, and a function that stops the
// browser (also called at cleanup; calling it twice is fine).
func StartChromium(t testing.TB, o ChromiumOptions) (context.Context, func()) {
	t.Helper()
	RequireTool(t, ChromiumPath)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(ChromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(o.Profile),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-features", "WebRtcHideLocalIpsWithMdns"),
		chromedp.Env(o.Env...),
		chromedp.NoInheritEnv,
	}
	if len(o.Features) > 0 {
		opts = append(opts, chromedp.Flag("enable-features", strings.Join(o.Features, ",")))
	}
	if o.UserAgent != "" {
		opts = append(opts, chromedp.UserAgent(o.UserAgent))
	}
	if o.NetNS != "" {
		opts = append(opts, chromedp.ModifyCmdFunc(func(cmd *exec.Cmd) {
			// ip execs the browser in place (no fork outside batch
			// mode), so the process chromedp stops is the browser.
			cmd.Args = append([]string{o.IP, "netns", "exec", o.NetNS, cmd.Path}, cmd.Args[1:]...)
			cmd.Path = o.IP
		}))
	}
	if err := os.MkdirAll(o.Profile, 0o700); err != nil {
		t.Fatal(err)
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	stop := func() { cancelCtx(); cancelAlloc() }
	t.Cleanup(stop)
	// The first Do starts the browser; it lives as long as ctx, so ctx
	// itself gets no timeout (each test bounds its own steps).
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx, stop
}

// NewTab opens another tab in the same browser.
func NewTab(t testing.TB, browser context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	return ctx
}

// OpenTab opens another tab in the same browser, starts it (so a caller
// may bound later steps with context.WithTimeout derived from it: see the
// chromedp.Run docs on the first Run of a context), and records what the
// page writes to its console. If the test fails, the tab's console and its
// DOM are logged under name.
func OpenTab(t testing.TB, browser context.Context, name string) context.Context {
	t.Helper()
	tab := NewTab(t, browser)
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("open tab %s: %v", name, err)
	}
	WatchTab(t, tab, name)
	return tab
}

// WatchTab records a started tab's console from now on and, if the test
// fails, logs it with the page's address and DOM at cleanup (while the tab
// is still open: cleanups run in reverse order).
func WatchTab(t testing.TB, tab context.Context, name string) {
	t.Helper()
	console := &SyncBuffer{}
	messages := chromedp.Console(tab)
	// The loop ends when the tab's context is canceled.
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			fmt.Fprintf(console, "%s\n", m)
		}
	}()
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		ctx, cancel := context.WithTimeout(tab, 5*time.Second)
		defer cancel()
		page, err := chromedp.Run(ctx, chromedp.Evaluate[string](pageDump))
		if err != nil {
			page = "(could not read the page: " + err.Error() + ")"
		}
		t.Logf("tab %s console:\n%s\ntab %s page:\n%s", name, console.String(), name, page)
	})
}

// pageDump is the page's address and DOM, with inline scripts shortened:
// the test's own files already show them, the state they left is what
// matters.
const pageDump = `(() => {
  const root = document.documentElement.cloneNode(true);
  for (const s of root.querySelectorAll("script:not([src])")) s.textContent = "/* inline script */";
  return location.href + "\n" + root.outerHTML;
})()`

// evalAttempt bounds one look at the page in WaitJS.
const evalAttempt = 5 * time.Second

// WaitJS evaluates expr in the tab until it is true, and fails the test
// with the last evaluation error once timeout has passed. expr must yield a
// boolean. The tab must have been started (OpenTab, or Sandbox.Chromium).
func WaitJS(t testing.TB, tab context.Context, timeout time.Duration, expr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, timeout)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var last error
	stalled := 0
	for {
		// Each look has its own bound: on a loaded machine a
		// Runtime.evaluate has gone unanswered until the whole wait ran
		// out while the page itself had settled (a later call read it at
		// once), so one lost answer must cost seconds, not the wait.
		actx, acancel := context.WithTimeout(ctx, evalAttempt)
		ok, err := chromedp.Run(actx, chromedp.Evaluate[bool](expr))
		acancel()
		if err == nil && ok {
			return
		}
		// An error while the page navigates or a script is still loading is
		// not final: only the deadline is.
		last = err
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			stalled++
			t.Logf("a look at the page went unanswered for %v; looking again", evalAttempt)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("waited %v for %s: last error: %v (%d looks went unanswered for %v)", timeout, expr, last, stalled, evalAttempt)
		case <-tick.C:
		}
	}
}
