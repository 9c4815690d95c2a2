package runtest

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rtdev/rtdev/internal/run"
)

// Call is one command the fake expects, in order.
type Call struct {
	name  string
	args  []string
	stdin string // compared when not empty
	out   string
	err   error
	do    func() // what the real command would change on disk
}

// Cmd expects name run with exactly args.
func Cmd(name string, args ...string) Call { return Call{name: name, args: args} }

// Returns makes the command print out and fail with err (nil: success).
func (c Call) Returns(out string, err error) Call { c.out, c.err = out, err; return c }

// With expects stdin to be fed to the command.
func (c Call) With(stdin string) Call { c.stdin = stdin; return c }

// Then runs do when the command runs, for what the real command would
// change on disk.
func (c Call) Then(do func()) Call { c.do = do; return c }

// ErrUnexpected is what Run returns for a command the fake did not expect.
var ErrUnexpected = errors.New("unexpected command")

// ExitError is a command that ran and exited with Code, as
// [run.ExitCode] reads it.
type ExitError struct{ Code int }

func (e *ExitError) Error() string { return "exit status " + strconv.Itoa(e.Code) }
func (e *ExitError) ExitCode() int { return e.Code }

// Exit returns the error of a command that exited with code.
func Exit(code int) error { return &ExitError{Code: code} }

// Fake is the strict fake Runner.
type Fake struct {
	t     testing.TB
	mu    sync.Mutex
	calls []Call
	paths map[string]string // LookPath answers; absent = not installed
}

var _ run.Runner = (*Fake)(nil)

// New returns a Fake that answers LookPath from paths and expects calls in
// order; at the end of the test it reports the expected calls that never
// ran.
func New(t testing.TB, paths map[string]string, calls ...Call) *Fake {
	t.Helper()
	f := &Fake{t: t, calls: calls, paths: paths}
	t.Cleanup(func() {
		for _, c := range f.calls {
			t.Errorf("expected command never ran: %s %s", c.name, strings.Join(c.args, " "))
		}
	})
	return f
}

// Expect adds calls after those already expected.
func (f *Fake) Expect(calls ...Call) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, calls...)
}

func (f *Fake) Run(_ context.Context, name string, args []string, stdin []byte) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	got := name + " " + strings.Join(args, " ")
	if len(f.calls) == 0 {
		f.t.Errorf("unexpected command: %s", got)
		return nil, ErrUnexpected
	}
	want := f.calls[0]
	f.calls = f.calls[1:]
	if want.name != name || !slices.Equal(want.args, args) {
		f.t.Errorf("command:\n got %s\nwant %s %s", got, want.name, strings.Join(want.args, " "))
		return nil, ErrUnexpected
	}
	if want.stdin != "" && want.stdin != string(stdin) {
		f.t.Errorf("stdin of %s: got %q, want %q", got, stdin, want.stdin)
	}
	if want.do != nil {
		want.do()
	}
	return []byte(want.out), want.err
}

func (f *Fake) LookPath(file string) (string, error) {
	if p, ok := f.paths[file]; ok {
		return p, nil
	}
	return "", errors.New("exec: " + file + ": not found")
}
