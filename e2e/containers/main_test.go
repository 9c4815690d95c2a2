//go:build linux

package containers

import (
	"os"
	"testing"

	"github.com/rtdev/rtdev/e2e/internal/harness"
	"github.com/rtdev/rtdev/e2e/internal/netns"
)

func TestMain(m *testing.M) {
	netns.Sweep()
	os.Exit(harness.Main(m))
}
