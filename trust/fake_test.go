package trust

import (
	"crypto/sha1"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/internal/run"
	"github.com/rtdev/rtdev/internal/run/runtest"
)

// The strict fake runner lives in internal/run/runtest; these short names
// keep the store tests readable.
type (
	call       = runtest.Call
	fakeRunner = runtest.Fake
)

var (
	cmd     = runtest.Cmd
	newFake = runtest.New
)

var errExit1 = runtest.Exit(1)

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
func testEnv(t *testing.T, goos string, uid int, r run.Runner, vars map[string]string) Env {
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
