package run

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"time"
)

// Runner runs external commands. [ExecRunner] is the real one; tests use
// the strict fake in run/runtest.
type Runner interface {
	// Run runs name with args, feeding stdin when it is not nil, and returns
	// the combined stdout and stderr.
	Run(ctx context.Context, name string, args []string, stdin []byte) (out []byte, err error)
	// LookPath finds an executable like exec.LookPath.
	LookPath(file string) (string, error)
}

// waitDelay is how long Run waits for the output pipe after the context
// ended and the program was killed.
const waitDelay = 2 * time.Second

// ExecRunner returns the Runner that runs real processes with os/exec. It is
// the only place in rtdev where external commands are started.
func ExecRunner() Runner { return execRunner{} }

type execRunner struct{}

func (execRunner) Run(ctx context.Context, name string, args []string, stdin []byte) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	// certutil, keytool, update-ca-certificates and git localise their
	// messages; the callers read English ones. sudo keeps LC_* by default.
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	// A program killed at the context's end can leave a child holding the
	// output pipe (a shell script's sleep, a Windows program started
	// through WSL interop); without a limit Wait would block on it, and
	// the timeout the caller set would not end the call.
	cmd.WaitDelay = waitDelay
	return cmd.CombinedOutput()
}

func (execRunner) LookPath(file string) (string, error) { return exec.LookPath(file) }

// ExitCode returns the exit status of a command that ran and exited with a
// non-zero status, and ran=false for an error that means it never ran (not
// installed, could not start, context ended). Several commands answer a
// question through their status (git check-ignore: 0 ignored, 1 not), so
// callers need the two told apart.
func ExitCode(err error) (code int, ran bool) {
	var ec interface{ ExitCode() int }
	if errors.As(err, &ec) {
		return ec.ExitCode(), true
	}
	return -1, false
}
