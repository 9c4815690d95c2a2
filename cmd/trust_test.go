package cmd

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/internal/run/runtest"
	"github.com/rtdev/rtdev/internal/ui"
	"github.com/rtdev/rtdev/trust"
)

// terminal is a fake terminal on stderr: the spinner goroutine writes to it
// while the test reads it.
type terminal struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	writes int
}

func (w *terminal) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.writes++
	return w.buf.Write(p)
}

func (w *terminal) snapshot() (string, int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String(), w.writes
}

// debianRoot is a sealed system root with Debian's anchor folder, and the
// paths of the anchor rtdev writes for c and of the bundle the refresh
// command writes.
func debianRoot(t *testing.T, c *ca.CA) (root, anchor, bundle string) {
	t.Helper()
	root = t.TempDir()
	dir := filepath.Join(root, "usr", "local", "share", "ca-certificates")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	anchor = filepath.Join(dir, strings.ReplaceAll(c.UniqueName(), " ", "_")+".crt")
	return root, anchor, filepath.Join(root, "etc", "ssl", "certs", "ca-certificates.crt")
}

func testCA(t *testing.T) *ca.CA {
	t.Helper()
	c, err := ca.Create(filepath.Join(t.TempDir(), "caroot"), ca.CreateOptions{Hostname: "devbox"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// testApp is an app on the given streams whose trust stores see a user
// (uid 1000) on a sealed Linux root with the fake runner.
func testApp(ios *ui.IOStreams, root string, f *runtest.Fake, vars map[string]string) *app {
	getenv := func(k string) string { return vars[k] }
	return &app{io: ios, getenv: getenv, now: time.Now, trustEnv: func(canPrompt bool) trust.Env {
		return trust.Env{GOOS: "linux", Getenv: getenv, UID: 1000, CanPrompt: canPrompt, Runner: f, Root: root}
	}}
}

// A sudo password prompt under a running spinner is redrawn over; the
// spinner must be off the terminal before the first command that may prompt.
func TestTrustInstallStopsSpinnerBeforeSudoPrompt(t *testing.T) {
	c := testCA(t)
	root, anchor, bundle := debianRoot(t, c)
	term := &terminal{}
	ios := &ui.IOStreams{In: &bytes.Buffer{}, Out: &bytes.Buffer{}, ErrOut: term, InTTY: true, ErrTTY: true}
	const prompt = "--prompt=[rtdev] password for %u to change the system trust store: "
	stoppedBeforePrompt := func() {
		before, n := term.snapshot()
		if !strings.Contains(before, "install: system") {
			t.Errorf("the spinner never ran: %q", before)
		}
		if !strings.HasSuffix(before, "\r\033[K") {
			t.Errorf("sudo runs while the spinner is on the line: %q", before)
		}
		// Long enough for several frames of a spinner still running.
		time.Sleep(300 * time.Millisecond)
		if _, m := term.snapshot(); m != n {
			t.Errorf("the spinner drew %d more frames while sudo could prompt", m-n)
		}
	}
	f := runtest.New(t, map[string]string{"sudo": "/usr/bin/sudo"},
		runtest.Cmd("sudo", prompt, "--", "tee", anchor).With(string(c.CertPEM)).Then(stoppedBeforePrompt),
		runtest.Cmd("sudo", prompt, "--", "update-ca-certificates").Then(func() {
			if err := os.MkdirAll(filepath.Dir(bundle), 0o755); err != nil {
				t.Error(err)
			}
			if err := os.WriteFile(bundle, c.CertPEM, 0o644); err != nil {
				t.Error(err)
			}
		}),
	)
	a := testApp(ios, root, f, map[string]string{"HOME": t.TempDir(), trust.EnvStores: "system"})
	results, err := a.trustAction(context.Background(), c, "install", "", true)
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 1 || results[0].State != trust.Installed {
		t.Fatalf("results = %+v", results)
	}
}

// Without sudo, init gives one reason and a command that can work: no
// "sudo cp" on a machine that has no sudo.
func TestInitTrustWithoutSudo(t *testing.T) {
	c := testCA(t)
	root, anchor, _ := debianRoot(t, c)
	ios, _, _, errOut := ui.Test()
	a := testApp(ios, root, runtest.New(t, nil), map[string]string{"HOME": t.TempDir(), trust.EnvStores: "system"})
	if _, err := a.initTrust(context.Background(), c, &initOptions{yes: true}, newStatus(ios, false)); err != nil {
		t.Fatal(err)
	}
	got := errOut.String()
	want := "run as root: cp " + filepath.Join(c.Dir, ca.CertFileName) + " " + anchor + " && update-ca-certificates"
	if strings.Count(got, "sudo is not installed") != 1 || !strings.Contains(got, want) || strings.Contains(got, "sudo cp") ||
		strings.Contains(got, "run this as root") {
		t.Errorf("init said:\n%s\nwant one \"sudo is not installed\" and %q", got, want)
	}
}
