package harness

import "syscall"

// childAttr has the kernel kill a server if the harness dies, so an
// interrupted run leaves no server holding a port and a core.
func childAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
