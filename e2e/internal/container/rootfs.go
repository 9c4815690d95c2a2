package container

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/e2e/internal/harness"
	"github.com/rtdev/rtdev/internal/testtool"
)

// RootfsEnv names a rootfs to use instead of the one scripts/test-deps.sh
// builds.
const RootfsEnv = "RTDEV_TEST_ROOTFS"

// Rootfs is the Debian rootfs the services run on: $RTDEV_TEST_ROOTFS, or
// the cache folder scripts/test-deps.sh builds it in (it prints the path,
// so the suite and package list that key it have one home).
func Rootfs(t testing.TB) string {
	t.Helper()
	path := os.Getenv(RootfsEnv)
	if path == "" {
		out, err := exec.Command("sh", filepath.Join(harness.RepoRoot(), "scripts", "test-deps.sh"), "rootfs-path").Output()
		if err != nil {
			t.Fatalf("scripts/test-deps.sh rootfs-path: %v", err)
		}
		path = strings.TrimSpace(string(out))
	}
	if _, err := os.Stat(filepath.Join(path, "usr", "bin", "node")); err != nil {
		testtool.Missing(t, "no container rootfs at "+path+": run scripts/test-deps.sh as root")
	}
	return path
}
