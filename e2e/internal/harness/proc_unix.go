//go:build unix

package harness

import (
	"os/exec"
	"syscall"
)

// ownProcessGroup starts cmd in its own process group, so stopping it also
// stops what it started (vite, nginx workers, a shell's children).
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// signalGroup sends SIGINT (graceful) or SIGKILL to cmd's process group.
func signalGroup(cmd *exec.Cmd, kill bool) {
	sig := syscall.SIGINT
	if kill {
		sig = syscall.SIGKILL
	}
	_ = syscall.Kill(-cmd.Process.Pid, sig)
}
