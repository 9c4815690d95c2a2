package ca

import (
	"fmt"
	"os"
	"testing"
)

// helperDirEnv makes the test binary act as a separate rtdev process that
// runs LoadOrCreate once (see TestLoadOrCreateAcrossProcesses).
const helperDirEnv = "RTDEV_CA_TEST_LOADORCREATE_DIR"

func TestMain(m *testing.M) {
	if dir := os.Getenv(helperDirEnv); dir != "" {
		c, created, err := LoadOrCreate(dir, CreateOptions{Hostname: "devbox"})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("%t %s\n", created, c.Fingerprint())
		os.Exit(0)
	}
	os.Exit(m.Run())
}
