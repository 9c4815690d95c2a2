package browser

import (
	"os"
	"testing"

	"github.com/rtdev/rtdev/e2e/internal/harness"
	"github.com/rtdev/rtdev/e2e/internal/netns"
)

func TestMain(m *testing.M) {
	// The Local Network Access test makes a network namespace; delete
	// what a killed run left.
	netns.Sweep()
	os.Exit(harness.Main(m))
}
