//go:build !unix

package harness

import (
	"os"
	"os/exec"
)

// The end-to-end tests run on Linux; these keep the package compiling
// elsewhere (make cross builds every test binary for darwin and windows).

func ownProcessGroup(*exec.Cmd) {}

func signalGroup(cmd *exec.Cmd, kill bool) {
	if kill {
		_ = cmd.Process.Kill()
		return
	}
	_ = cmd.Process.Signal(os.Interrupt)
}
