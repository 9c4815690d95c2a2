package testtool

import (
	"testing"

	"github.com/rtdev/rtdev/internal/redisproc"
)

// Redis starts a throwaway redis-server (scripts/test-deps.sh installs
// Debian's) on a loopback port in a temporary folder and stops it when the
// test ends. Without one the test fails in CI and is skipped elsewhere.
func Redis(t testing.TB, args ...string) *redisproc.Proc {
	t.Helper()
	bin := Need(t, "redis-server")
	p, err := redisproc.Start(bin, t.TempDir(), args...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Stop)
	return p
}
