package run

import (
	"context"
	"errors"
	"os/exec"
	"testing"

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
