package cluster

import (
	"os"
	"testing"

	"github.com/rtdev/rtdev/e2e/internal/harness"
)

func TestMain(m *testing.M) { os.Exit(harness.Main(m)) }
