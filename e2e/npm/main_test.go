package npm

import (
	"os"
	"testing"

	"github.com/rtdev/rtdev/e2e/internal/harness"
)

func TestMain(m *testing.M) {
	code := harness.Main(m)
	if packDir != "" {
		_ = os.RemoveAll(packDir)
	}
	os.Exit(code)
}
