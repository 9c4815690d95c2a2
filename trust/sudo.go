package trust

import (
	"context"
	"errors"
	"strings"
)

// sudoPrompt is shown by sudo itself (%u is the user name), so the user
// knows which program asks and why.
const sudoPrompt = "[rtdev] password for %u to change the system trust store: "

// NeedsRootError is a store change that needs administrator rights rtdev
// could not get without prompting (--yes, no terminal, no sudo).
type NeedsRootError struct {
	// Command is the exact command line to run by hand instead.
	Command string
	// Why says what stopped rtdev.
	Why string
	// NoSudo: sudo is not installed, so Command has no sudo in it and must
	// be run from a root shell.
	NoSudo bool
	Err    error
}

func (e *NeedsRootError) Error() string {
	return "needs administrator rights: " + e.Why
}

// Hint is the command that does the change by hand.
func (e *NeedsRootError) Hint() string { return e.Command }

func (e *NeedsRootError) Unwrap() error { return e.Err }

// run runs a command, as root when asRoot is set. When rtdev is not root it
// goes through sudo: with a prompt when a person can answer it, otherwise
// with `sudo -n`, which succeeds on machines with passwordless sudo (most CI
// runners) and fails at once instead of waiting for a password nobody
// types.
func (e Env) run(ctx context.Context, asRoot bool, stdin []byte, name string, args ...string) ([]byte, error) {
	if !asRoot || e.UID == 0 || e.GOOS == "windows" {
		return e.exec(ctx, stdin, name, args...)
	}
	if _, err := e.Runner.LookPath("sudo"); err != nil {
		return nil, &NeedsRootError{Command: e.display(name, args...), Why: "sudo is not installed", NoSudo: true, Err: err}
	}
	if e.CanPrompt {
		e.beforePrompt()
		return e.exec(ctx, stdin, "sudo", append([]string{"--prompt=" + sudoPrompt, "--", name}, args...)...)
	}
	out, err := e.exec(ctx, stdin, "sudo", append([]string{"-n", "--", name}, args...)...)
	if err != nil && sudoWantsPassword(string(out)) {
		return out, &NeedsRootError{
			Command: "sudo " + e.display(name, args...),
			Why:     "sudo needs a password and rtdev may not prompt (--yes or no terminal)",
			Err:     err,
		}
	}
	return out, err
}

// sudoWord is what goes in front of a command that needs root in a line
// the user runs by hand: "sudo " when rtdev is not root and sudo is there,
// "" as root, on Windows, or without sudo (see NeedsRootError.NoSudo).
func (e Env) sudoWord() string {
	if e.UID == 0 || e.GOOS == "windows" {
		return ""
	}
	if _, err := e.Runner.LookPath("sudo"); err != nil {
		return ""
	}
	return "sudo "
}

// sudoWantsPassword recognises sudo's own refusal under -n, as opposed to
// the command failing.
func sudoWantsPassword(out string) bool {
	return strings.Contains(out, "sudo: a password is required") ||
		strings.Contains(out, "sudo: a terminal is required")
}

// failure turns err into a Failed result. A NeedsRootError gets the store's
// whole manual command, so its Hint covers every step, not just the one
// that stopped.
func failure(r Result, err error, manual string) Result {
	r.State = Failed
	r.Err = err
	r.Reason = err.Error()
	r.Command = manual
	var nr *NeedsRootError
	if errors.As(err, &nr) {
		nr.Command = manual
	}
	var ce *CommandError
	if errors.As(err, &ce) {
		r.Output = ce.Output
	}
	return r
}
