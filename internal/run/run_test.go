package run

import (
	"context"
	"errors"
	"os/exec"
	"testing"
	"time"

	"github.com/rtdev/rtdev/internal/testtool"
)

func TestExecRunner(t *testing.T) {
	sh := testtool.Need(t, "sh")
	r := ExecRunner()
	if p, err := r.LookPath("sh"); err != nil || p != sh {
		t.Errorf("LookPath(sh) = %q, %v", p, err)
	}
	out, err := r.Run(context.Background(), "sh", []string{"-c", `cat; echo "lc=$LC_ALL" >&2; exit 3`}, []byte("in\n"))
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Errorf("err = %v, want exit status 3", err)
	}
	if string(out) != "in\nlc=C\n" {
		t.Errorf("out = %q: stdin, stderr and LC_ALL=C expected", out)
	}
}

func TestExitCode(t *testing.T) {
	sh := testtool.Need(t, "sh")
	_, err := ExecRunner().Run(context.Background(), sh, []string{"-c", "exit 7"}, nil)
	if code, ran := ExitCode(err); code != 7 || !ran {
		t.Errorf("ExitCode(exit 7) = %d, %v", code, ran)
	}
	_, err = ExecRunner().Run(context.Background(), "rtdev-no-such-program", nil, nil)
	if code, ran := ExitCode(err); ran {
		t.Errorf("ExitCode(not installed) = %d, %v; want ran=false", code, ran)
	}
	if _, ran := ExitCode(nil); ran {
		t.Error("ExitCode(nil) says the command failed")
	}
}

// A program killed at its context's end returns even when a child it
// started still holds the output pipe.
func TestExecRunnerTimeoutWithChild(t *testing.T) {
	testtool.Need(t, "sh")
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := ExecRunner().Run(ctx, "sh", []string{"-c", "sleep 60; echo done"}, nil)
	if err == nil {
		t.Fatal("a killed command reported success")
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("Run returned after %v, want about the timeout plus the wait delay", d)
	}
}
