//go:build linux

package phone

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/rtdev/rtdev/devserver/checkpage"
	"github.com/rtdev/rtdev/e2e/internal/harness"
	"github.com/rtdev/rtdev/internal/testtool"
)

// step bounds one browser action or wait; a timeout, not an expectation.
const step = 30 * time.Second

// settleWait bounds the wait for the check page's three checks, the last
// a WebRTC data channel between two browsers, which takes about 5 s alone
// and longer on a 2-core machine running other browser tests beside this
// one. Twice in make test-fresh runs the wait ran out with the page
// settled: one look at the page (a Runtime.evaluate) went unanswered to
// the end, which WaitJS now bounds per look.
const settleWait = 120 * time.Second

const (
	iPhoneUA  = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
	androidUA = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36"
)

// withEnv is env with key set to value.
func withEnv(env []string, key, value string) []string {
	out := make([]string, 0, len(env)+1)
	for _, kv := range env {
		if !strings.HasPrefix(kv, key+"=") {
			out = append(out, kv)
		}
	}
	return append(out, key+"="+value)
}

// serveOnTTY starts `rtdev serve --lan` in the laptop namespace with its
// output on a pseudo-terminal, in colour, as a developer's terminal is, and
// waits until it listens. It returns the transcript so far and after.
func serveOnTTY(t *testing.T, sb *harness.Sandbox, np *netPair, port int) *harness.SyncBuffer {
	t.Helper()
	master, slave := openPTY(t)
	argv := np.in(np.Laptop, harness.Binary(t), "serve", "--port", strconv.Itoa(port), "--lan")
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = sb.Project
	cmd.Env = withEnv(withEnv(sb.Env, "NO_COLOR", ""), "TERM", "xterm-256color")
	cmd.Stdout, cmd.Stderr = slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	_ = slave.Close()
	out := &harness.SyncBuffer{}
	copied := make(chan struct{})
	go func() { _, _ = io.Copy(out, master); close(copied) }()
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
		}
		_ = master.Close()
		<-copied
		if t.Failed() {
			t.Logf("rtdev serve output:\n%s", out.String())
		}
	})
	deadline := time.Now().Add(step)
	for !strings.Contains(out.String(), "signaling server listening") {
		if time.Now().After(deadline) {
			t.Fatalf("rtdev serve did not start:\n%s", out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	return out
}

// phoneBrowser is a "phone": Chromium in the phone namespace with its own
// HOME, and so its own NSS database, empty until the test installs the CA.
type phoneBrowser struct {
	home, ua string
	np       *netPair
	tab      context.Context
	stop     func()
}

func newPhone(t *testing.T, sb *harness.Sandbox, np *netPair, ua string) *phoneBrowser {
	t.Helper()
	home := t.TempDir()
	db := filepath.Join(home, ".pki", "nssdb")
	if err := os.MkdirAll(db, 0o700); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(testtool.Need(t, "certutil"), "-N", "-d", "sql:"+db, "--empty-password").CombinedOutput(); err != nil {
		t.Fatalf("certutil -N: %v\n%s", err, out)
	}
	p := &phoneBrowser{home: home, ua: ua, np: np}
	p.start(t, withEnv(sb.Env, "HOME", home))
	return p
}

func (p *phoneBrowser) start(t *testing.T, env []string) {
	t.Helper()
	p.tab, p.stop = harness.StartChromium(t, harness.ChromiumOptions{
		Env: env, Profile: filepath.Join(p.home, "chromium-profile"),
		NetNS: p.np.Phone, IP: p.np.IP, UserAgent: p.ua,
	})
	harness.WatchTab(t, p.tab, "phone")
}

// install adds the CA to the phone's NSS database as trusted for
// websites, what the user's tap through Settings amounts to, and restarts
// the browser so it reads the database afresh.
func (p *phoneBrowser) install(t *testing.T, sb *harness.Sandbox, der []byte) {
	t.Helper()
	file := filepath.Join(p.home, "rtdev-ca.crt")
	if err := os.WriteFile(file, der, 0o644); err != nil {
		t.Fatal(err)
	}
	db := "sql:" + filepath.Join(p.home, ".pki", "nssdb")
	if out, err := exec.Command(testtool.Need(t, "certutil"), "-A", "-d", db, "-n", "rtdev", "-t", "C,,", "-i", file).CombinedOutput(); err != nil {
		t.Fatalf("certutil -A: %v\n%s", err, out)
	}
	p.stop()
	p.start(t, withEnv(sb.Env, "HOME", p.home))
}

// settled is true once every check passed or one failed.
const settled = `(() => {
  const states = ["https", "wss", "p2p"].map((id) => document.getElementById(id).dataset.state);
  return states.every((s) => s === "ok") || states.includes("fail");
})()`

type checkState struct {
	HTTPS, WSS, P2P, Detail, PeerPlatform string
}

const readCheck = `(() => {
  const s = (id) => document.getElementById(id).dataset.state;
  return {HTTPS: s("https"), WSS: s("wss"), P2P: s("p2p"),
    Detail: document.querySelector("#p2p .detail").textContent,
    PeerPlatform: document.getElementById("peer-platform").textContent};
})()`

// fetchBytes downloads url in the tab's page, as a tap on the link would,
// and returns the body.
func fetchBytes(t *testing.T, tab context.Context, url string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, step)
	defer cancel()
	b64, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`fetch(%q).then((r) => r.arrayBuffer()).then((b) => {
  let s = ""; for (const c of new Uint8Array(b)) s += String.fromCharCode(c); return btoa(s);
})`, url), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("fetch %s in the page: %v", url, err)
	}
	data, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func screenshot(t *testing.T, tab context.Context, sel string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, step)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("screenshot %s: %v", sel, err)
	}
	return png
}

func TestPhoneOnTheSameWiFi(t *testing.T) {
	harness.RequireTool(t, harness.ChromiumPath, "certutil", "zbarimg", "openssl")
	np := newNetPair(t)
	sb := harness.NewSandbox(t)
	// init runs in the laptop namespace, so the certificate names its
	// LAN address, and trusts the CA in the laptop's NSS database.
	initArgv := np.in(np.Laptop, harness.Binary(t), "init", "--yes")
	if out, errOut, err := sb.Run(initArgv[0], initArgv[1:]...); err != nil {
		t.Fatalf("rtdev init: %v\n%s\n%s", err, out, errOut)
	}
	port := harness.FreePort(t)
	transcript := serveOnTTY(t, sb, np, port)
	setup := fmt.Sprintf("http://%s:%d/rtdev/phone", laptopIP, port)
	caPEM, err := os.ReadFile(filepath.Join(sb.Project, ".rtdev", "ca.pem"))
	if err != nil {
		t.Fatal(err)
	}
	fingerprint := checkpage.Fingerprint(caPEM)
	shots := t.TempDir()

	t.Run("terminal QR code", func(t *testing.T) {
		out := transcript.String()
		if got := zbar(t, modulesPNG(t, shots, terminalQR(t, out))); got != setup {
			t.Errorf("the terminal QR code decodes to %q, want %q", got, setup)
		}
		if !strings.Contains(out, setup) || !strings.Contains(out, fingerprint) {
			t.Errorf("the banner lacks the URL %s or the fingerprint %s:\n%s", setup, fingerprint, out)
		}
	})

	laptop, _ := harness.StartChromium(t, harness.ChromiumOptions{
		Env: sb.Env, Profile: filepath.Join(sb.Home, "chromium-profile"), NetNS: np.Laptop, IP: np.IP,
	})
	harness.WatchTab(t, laptop, "laptop")
	laptopPage := fmt.Sprintf("https://localhost:%d/rtdev/", port)

	for _, c := range []struct{ name, ua, first, label string }{
		{"iPhone", iPhoneUA, "ios", "iPhone"},
		{"Android", androidUA, "android", "Android"},
	} {
		t.Run(c.name, func(t *testing.T) {
			phone := newPhone(t, sb, np, c.ua)

			// Before any trust: the setup page loads over plain HTTP.
			if err := harness.Navigate(phone.tab, step, setup); err != nil {
				t.Fatalf("load %s: %v", setup, err)
			}
			first := harness.Evaluate[string](t, phone.tab, step, `document.getElementById("steps").dataset.first + " " + document.querySelector("#steps > section").id`)
			if first != c.first+" steps-"+c.first {
				t.Errorf("steps shown first: %q, want %s", first, c.first)
			}
			if got := harness.Evaluate[string](t, phone.tab, step, `document.getElementById("fingerprint").textContent`); got != fingerprint {
				t.Errorf("page fingerprint %q, terminal %q", got, fingerprint)
			}
			if got := zbarBytes(t, shots, c.name+"-phone-qr.png", screenshot(t, phone.tab, ".qr svg")); got != setup {
				t.Errorf("the phone page's QR code decodes to %q, want %q", got, setup)
			}
			if dir := os.Getenv("RTDEV_PHONE_SCREENSHOT"); dir != "" && c.name == "iPhone" {
				ctx, cancel := context.WithTimeout(phone.tab, step)
				_, err := chromedp.Run(ctx, chromedp.EmulateViewport(430, 900))
				var png []byte
				if err == nil {
					png, err = chromedp.Run(ctx, chromedp.FullScreenshot(100))
				}
				cancel()
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(dir, "phone-setup.png"), png, 0o644); err != nil {
					t.Fatal(err)
				}
			}

			// The control: HTTPS is refused while the phone lacks the CA.
			var loadErr *chromedp.LoadError
			if err := harness.Navigate(phone.tab, step, fmt.Sprintf("https://%s:%d/rtdev/", laptopIP, port)); !errors.As(err, &loadErr) || loadErr.ErrorText != "net::ERR_CERT_AUTHORITY_INVALID" {
				t.Fatalf("HTTPS before trust: %v, want net::ERR_CERT_AUTHORITY_INVALID", err)
			}

			// The user taps the download link and installs the file.
			if err := harness.Navigate(phone.tab, step, setup); err != nil {
				t.Fatal(err)
			}
			href := harness.Evaluate[string](t, phone.tab, step, `document.getElementById("dl-crt").href`)
			der := fetchBytes(t, phone.tab, href)
			derFile := filepath.Join(shots, c.name+"-rtdev-ca.crt")
			if err := os.WriteFile(derFile, der, 0o644); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(testtool.Need(t, "openssl"), "x509", "-inform", "DER", "-in", derFile).Output(); err != nil || string(out) != string(caPEM) {
				t.Fatalf("openssl x509 -inform DER of the downloaded rtdev-ca.crt (%v):\n%s\nwant ca.pem:\n%s", err, out, caPEM)
			}
			phone.install(t, sb, der)

			// The laptop page shows a pairing code; the phone opens its URL.
			if err := harness.Navigate(laptop, step, laptopPage); err != nil {
				t.Fatalf("load the laptop page: %v", err)
			}
			harness.WaitJS(t, laptop, step, `document.getElementById("pair-url").href.includes("?pair=")`)
			pairURL := harness.Evaluate[string](t, laptop, step, `document.getElementById("pair-url").href`)
			if want := fmt.Sprintf("https://%s:%d/rtdev/?pair=", laptopIP, port); !strings.HasPrefix(pairURL, want) {
				t.Fatalf("pairing URL %q, want it under %s", pairURL, want)
			}
			if c.name == "iPhone" {
				if got := zbarBytes(t, shots, "laptop-setup-qr.png", screenshot(t, laptop, "#setup-qr svg")); got != setup {
					t.Errorf("the check page's QR code decodes to %q, want %q", got, setup)
				}
				harness.WaitJS(t, laptop, step, `document.getElementById("pair-qr").complete && document.getElementById("pair-qr").naturalWidth > 0`)
				if got := zbarBytes(t, shots, "laptop-pair-qr.png", screenshot(t, laptop, "#pair-qr")); got != pairURL {
					t.Errorf("the pairing QR code decodes to %q, want %q", got, pairURL)
				}
			}
			if err := harness.Navigate(phone.tab, step, pairURL); err != nil {
				t.Fatalf("load the pairing URL over HTTPS after installing the CA: %v", err)
			}
			for _, side := range []struct {
				name, other string
				tab         context.Context
			}{{"phone", "Linux", phone.tab}, {"laptop", c.label, laptop}} {
				harness.WaitJS(t, side.tab, settleWait, settled)
				st := harness.Evaluate[checkState](t, side.tab, step, readCheck)
				if st.HTTPS != "ok" || st.WSS != "ok" || st.P2P != "ok" {
					t.Errorf("%s: https %s, wss %s, p2p %s (%s)", side.name, st.HTTPS, st.WSS, st.P2P, st.Detail)
				}
				if st.PeerPlatform != side.other {
					t.Errorf("%s shows the other side as %q, want %q", side.name, st.PeerPlatform, side.other)
				}
			}
		})
	}
}
