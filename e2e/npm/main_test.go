package npm

import (
	"os"
	"testing"

	"github.com/rtdev/rtdev/e2e/internal/harness"
	"github.com/rtdev/rtdev/e2e/internal/netns"
)

func TestMain(m *testing.M) {
	netns.Sweep()
	code := harness.Main(m)
	if packDir != "" {
		_ = os.RemoveAll(packDir)
	}
	os.Exit(code)
}
