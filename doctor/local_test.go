package doctor

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/project"
	"github.com/rtdev/rtdev/trust"
)

// fakeSystem is a machine with a fixed hostname and one Wi-Fi address.
type fakeSystem struct {
	hostname string
	wifi     string // "" for no LAN
	// virtual are more interfaces, as sysfs classified them.
	virtual []project.Interface
}

func (s fakeSystem) Hostname() (string, error) { return s.hostname, nil }

func (s fakeSystem) Interfaces() ([]project.Interface, error) {
	ifs := []project.Interface{{Name: "lo", Up: true, Loopback: true,
		Addrs: []*net.IPNet{{IP: net.IPv4(127, 0, 0, 1), Mask: net.CIDRMask(8, 32)}}}}
	if s.wifi != "" {
		ifs = append(ifs, project.Interface{Name: "wlan0", Up: true,
			Addrs: []*net.IPNet{{IP: net.ParseIP(s.wifi), Mask: net.CIDRMask(24, 32)}}})
	}
	return append(ifs, s.virtual...), nil
}

// testProject is a project set up by the real project.Ensure (what rtdev
// init does) in temporary folders, with no trust store and no git.
type testProject struct {
	opts LocalOptions
	res  *project.EnsureResult
}

func newProject(t *testing.T, sys fakeSystem, cfg project.Config) testProject {
	t.Helper()
	root := t.TempDir()
	lay := project.NewLayout(root)
	caDir := filepath.Join(t.TempDir(), "ca")
	res, err := project.Ensure(project.EnsureOptions{Layout: lay, Config: cfg, CADir: caDir, System: sys, Owner: "dev@devbox"})
	if err != nil {
		t.Fatalf("ensure: %v", err)
	}
	env := map[string]string{}
	return testProject{res: res, opts: LocalOptions{
		Layout: lay, Config: cfg, CADir: caDir, System: sys,
		Getenv: func(k string) string { return env[k] },
		Now:    time.Now(),
	}}
}

func TestCheckLocalHealthyProject(t *testing.T) {
	cfg := project.Defaults()
	cfg.Hosts = []string{"app.localhost"}
	p := newProject(t, fakeSystem{hostname: "devbox", wifi: "192.168.1.20"}, cfg)
	p.opts.Trust = func(ctx context.Context, c *ca.CA) (StoreStatus, error) {
		return StoreStatus{Results: []trust.Result{{Store: trust.StoreSystem, State: trust.Installed}}}, nil
	}
	fs := CheckLocal(t.Context(), p.opts)
	if got := problems(fs); len(got) != 0 {
		t.Fatalf("problems in a fresh project: %v", describe(fs))
	}
	for _, id := range []string{IDCAOK, IDCATrusted, IDLeafOK, IDRuntimeTrustUnset} {
		mustFind(t, fs, id)
	}
	if r := NewReport(fs); r.HasProblems() || r.Problems != 0 {
		t.Errorf("report %+v", r)
	}
}

func TestCheckLocalNoCA(t *testing.T) {
	root := t.TempDir()
	fs := CheckLocal(t.Context(), LocalOptions{Layout: project.NewLayout(root), CADir: filepath.Join(root, "no-ca"),
		System: fakeSystem{hostname: "devbox"}, Getenv: func(string) string { return "" }})
	f := mustFind(t, fs, IDCAMissing)
	if f.Fix != "rtdev init" || f.Severity != SeverityError {
		t.Errorf("finding %+v", f)
	}
	mustFind(t, fs, IDLeafMissing)
	if !NewReport(fs).HasProblems() {
		t.Error("a project without a CA has no problems")
	}
}

// TestCheckLocalSymlinkedRtdev: a committed `.rtdev -> public` is an error
// finding, as init and serve refuse it.
func TestCheckLocalSymlinkedRtdev(t *testing.T) {
	p := newProject(t, fakeSystem{hostname: "devbox"}, project.Defaults())
	lay := p.opts.Layout
	if err := os.Rename(lay.Dir, filepath.Join(lay.Root, "public")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("public", lay.Dir); err != nil {
		t.Fatal(err)
	}
	f := mustFind(t, CheckLocal(t.Context(), p.opts), IDProjectDirUnsafe)
	if f.Severity != SeverityError || !strings.Contains(f.Message, "symbolic link") || f.Fix == "" {
		t.Errorf("finding %+v", f)
	}
}
