package trust

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// Runner runs external commands. [ExecRunner] is the real one; tests use a
// strict fake that fails on any command it was not told to expect.
type Runner interface {
	// Run runs name with args, feeding stdin when it is not nil, and returns
	// the combined stdout and stderr.
	Run(ctx context.Context, name string, args []string, stdin []byte) (out []byte, err error)
	// LookPath finds an executable like exec.LookPath.
	LookPath(file string) (string, error)
}

// ExecRunner returns the Runner that runs real processes with os/exec. It is
// the only place in rtdev where external commands are started.
func ExecRunner() Runner { return execRunner{} }

type execRunner struct{}

func (execRunner) Run(ctx context.Context, name string, args []string, stdin []byte) ([]byte, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	// certutil, keytool and update-ca-certificates localise their messages;
	// the checks in this package read English ones. sudo keeps LC_* by
	// default.
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	return cmd.CombinedOutput()
}

func (execRunner) LookPath(file string) (string, error) { return exec.LookPath(file) }

// CommandError is a command that ran and failed.
type CommandError struct {
	Command string // as a user would type it
	Output  string
	Err     error
}

func (e *CommandError) Error() string {
	msg := fmt.Sprintf("run %s: %v", e.Command, e.Err)
	if line := firstLine(e.Output); line != "" {
		msg += ": " + line
	}
	return msg
}

func (e *CommandError) Unwrap() error { return e.Err }

// exec runs one command through the runner, wrapping a failure in a
// CommandError.
func (e Env) exec(ctx context.Context, stdin []byte, name string, args ...string) ([]byte, error) {
	out, err := e.Runner.Run(ctx, name, args, stdin)
	if err != nil {
		return out, &CommandError{Command: e.display(name, args...), Output: strings.TrimSpace(string(out)), Err: err}
	}
	return out, nil
}

// display renders a command line the way a user would type it in this OS's
// usual shell.
func (e Env) display(name string, args ...string) string {
	parts := make([]string, 0, len(args)+1)
	for _, a := range append([]string{name}, args...) {
		parts = append(parts, e.quote(a))
	}
	return strings.Join(parts, " ")
}

func (e Env) quote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n\"'\\$`*?;&|<>()[]{}!#~") {
		return s
	}
	if e.GOOS == "windows" {
		return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}
