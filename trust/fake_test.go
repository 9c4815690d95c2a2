package trust

import (
	"context"
	"crypto/sha1"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/rtdev/rtdev/ca"
)

// call is one command the strict fake runner expects, in order.
type call struct {
	name  string
	args  []string
	stdin string // compared when not empty
	out   string
	err   error
	do    func() // what the real command would change on disk
}

func cmd(name string, args ...string) call { return call{name: name, args: args} }

func (c call) returns(out string, err error) call { c.out, c.err = out, err; return c }

func (c call) with(stdin string) call { c.stdin = stdin; return c }

func (c call) then(do func()) call { c.do = do; return c }

var (
	errUnexpected = errors.New("unexpected command")
	errExit1      = errors.New("exit status 1")
)

// fakeRunner fails the test on any command it was not told to expect, on a
// command in the wrong order, and on expected commands that never ran.
type fakeRunner struct {
	t     *testing.T
	mu    sync.Mutex
	calls []call
	paths map[string]string // LookPath answers; absent = not installed
}

func newFake(t *testing.T, paths map[string]string, calls ...call) *fakeRunner {
	t.Helper()
	f := &fakeRunner{t: t, calls: calls, paths: paths}
	t.Cleanup(func() {
		for _, c := range f.calls {
			t.Errorf("expected command never ran: %s %s", c.name, strings.Join(c.args, " "))
		}
	})
	return f
}

func (f *fakeRunner) expect(calls ...call) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, calls...)
}

func (f *fakeRunner) Run(_ context.Context, name string, args []string, stdin []byte) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	got := name + " " + strings.Join(args, " ")
	if len(f.calls) == 0 {
		f.t.Errorf("unexpected command: %s", got)
		return nil, errUnexpected
	}
	want := f.calls[0]
	f.calls = f.calls[1:]
	if want.name != name || !slices.Equal(want.args, args) {
		f.t.Errorf("command:\n got %s\nwant %s %s", got, want.name, strings.Join(want.args, " "))
		return nil, errUnexpected
	}
	if want.stdin != "" && want.stdin != string(stdin) {
		f.t.Errorf("stdin of %s: got %q, want %q", got, stdin, want.stdin)
	}
	if want.do != nil {
		want.do()
	}
	return []byte(want.out), want.err
}

func (f *fakeRunner) LookPath(file string) (string, error) {
	if p, ok := f.paths[file]; ok {
		return p, nil
	}
	return "", errors.New("exec: " + file + ": not found")
}

// mapRoot is the Windows Root store as a map, for the windowsStore logic.
type mapRoot struct {
	certs  map[[sha1.Size]byte][]byte
	addErr error
	// dropAdds makes Add succeed without adding, as a declined dialog can.
	dropAdds bool
}

func (m *mapRoot) Has(tp [sha1.Size]byte) (bool, error) { _, ok := m.certs[tp]; return ok, nil }

func (m *mapRoot) Add(der []byte) error {
	if m.addErr != nil || m.dropAdds {
		return m.addErr
	}
	if m.certs == nil {
		m.certs = map[[sha1.Size]byte][]byte{}
	}
	m.certs[sha1.Sum(der)] = der
	return nil
}

func (m *mapRoot) Delete(tp [sha1.Size]byte) (bool, error) {
	_, ok := m.certs[tp]
	delete(m.certs, tp)
	return ok, nil
}

// testCA is a real CA from the ca package, in a temporary folder.
func testCA(t *testing.T) *ca.CA {
	t.Helper()
	c, err := ca.Create(filepath.Join(t.TempDir(), "caroot"), ca.CreateOptions{Hostname: "devbox"})
	if err != nil {
		t.Fatalf("create CA: %v", err)
	}
	return c
}

// testEnv is a sealed Env: a temporary HOME and Root, the given variables,
// and a platform verifier that says "not trusted" unless a test replaces it.
func testEnv(t *testing.T, goos string, uid int, r Runner, vars map[string]string) Env {
	t.Helper()
	if vars == nil {
		vars = map[string]string{}
	}
	if _, ok := vars["HOME"]; !ok {
		vars["HOME"] = t.TempDir()
	}
	return Env{
		GOOS:    goos,
		Getenv:  func(k string) string { return vars[k] },
		UID:     uid,
		Runner:  r,
		Root:    t.TempDir(),
		verify:  func(*x509.Certificate) error { return errors.New("x509: certificate signed by unknown authority") },
		winRoot: &mapRoot{},
	}
}

func mkdirs(t *testing.T, dirs ...string) {
	t.Helper()
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

func writeFile(t *testing.T, name, data string) {
	t.Helper()
	mkdirs(t, filepath.Dir(name))
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

// one asserts a single result and returns it.
func one(t *testing.T, rs []Result) Result {
	t.Helper()
	if len(rs) != 1 {
		t.Fatalf("got %d results, want 1: %+v", len(rs), rs)
	}
	return rs[0]
}

func wantState(t *testing.T, r Result, s State) {
	t.Helper()
	if r.State != s {
		t.Fatalf("state = %s, want %s (reason %q, err %v, output %q)", r.State, s, r.Reason, r.Err, r.Output)
	}
}
