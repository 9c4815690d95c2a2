package runtest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/rtdev/rtdev/internal/run"
)

// recorder is a testing.TB that keeps the failures instead of failing, so
// the fake's own strictness can be checked.
type recorder struct {
	testing.TB
	errs    []string
	cleanup []func()
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recorder) Cleanup(f func()) { r.cleanup = append(r.cleanup, f) }
func (r *recorder) finish() {
	for _, f := range r.cleanup {
		f()
	}
}

func TestFakeIsStrict(t *testing.T) {
	ctx := context.Background()
	t.Run("expected commands in order", func(t *testing.T) {
		rec := &recorder{TB: t}
		f := New(rec, map[string]string{"git": "/usr/bin/git"},
			Cmd("git", "status").Returns("clean\n", nil),
			Cmd("git", "check-ignore", "-q", "x").Returns("", Exit(1)))
		if out, err := f.Run(ctx, "git", []string{"status"}, nil); string(out) != "clean\n" || err != nil {
			t.Errorf("first = %q, %v", out, err)
		}
		_, err := f.Run(ctx, "git", []string{"check-ignore", "-q", "x"}, nil)
		if code, ran := run.ExitCode(err); code != 1 || !ran {
			t.Errorf("exit = %d, %v (%v)", code, ran, err)
		}
		if p, err := f.LookPath("git"); p != "/usr/bin/git" || err != nil {
			t.Errorf("LookPath(git) = %q, %v", p, err)
		}
		if _, err := f.LookPath("certutil"); err == nil {
			t.Error("LookPath found a program the fake was not given")
		}
		rec.finish()
		if len(rec.errs) != 0 {
			t.Errorf("failures %q", rec.errs)
		}
	})
	t.Run("unexpected, wrong and missing commands fail", func(t *testing.T) {
		rec := &recorder{TB: t}
		f := New(rec, nil, Cmd("certutil", "-L"), Cmd("keytool", "-list"))
		if _, err := f.Run(ctx, "certutil", []string{"-A"}, nil); !errors.Is(err, ErrUnexpected) {
			t.Errorf("wrong args: err = %v", err)
		}
		rec.finish() // keytool never ran
		if len(rec.errs) != 2 {
			t.Errorf("failures %q, want the wrong command and the one that never ran", rec.errs)
		}
		rec = &recorder{TB: t}
		f = New(rec, nil)
		if _, err := f.Run(ctx, "sudo", nil, nil); !errors.Is(err, ErrUnexpected) {
			t.Errorf("unexpected: err = %v", err)
		}
		if len(rec.errs) != 1 {
			t.Errorf("failures %q", rec.errs)
		}
	})
	t.Run("stdin and side effects", func(t *testing.T) {
		rec := &recorder{TB: t}
		ran := false
		f := New(rec, nil, Cmd("sh").With("in").Then(func() { ran = true }))
		_, _ = f.Run(ctx, "sh", nil, []byte("other"))
		if !ran || len(rec.errs) != 1 {
			t.Errorf("ran %v, failures %q; want the side effect and a stdin mismatch", ran, rec.errs)
		}
	})
}
