//go:build linux

package phone

import (
	"os"
	"testing"

	"github.com/rtdev/rtdev/e2e/internal/harness"
)

func TestMain(m *testing.M) {
	sweepNamespaces()
	os.Exit(harness.Main(m))
}
