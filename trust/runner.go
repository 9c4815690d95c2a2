package trust

import (
	"context"
	"fmt"
	"strings"

	"github.com/rtdev/rtdev/internal/shell"
)

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

// quote is one word for the usual shell of e's OS: cmd.exe and PowerShell
// on Windows (double quotes), POSIX sh everywhere else.
func (e Env) quote(s string) string {
	if e.GOOS == "windows" {
		if s != "" && !strings.ContainsAny(s, " \t\n\"'\\$`*?;&|<>()[]{}!#~") {
			return s
		}
		return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
	}
	return shell.Quote(s)
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}
