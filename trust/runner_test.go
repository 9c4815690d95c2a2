package trust

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestEnvExecWrapsFailures(t *testing.T) {
	f := newFake(t, nil, cmd("certutil", "-L", "-n", "a b").Returns("  certutil: bad\nmore\n", errExit1))
	env := testEnv(t, "linux", 0, f, nil)
	_, err := env.exec(context.Background(), nil, "certutil", "-L", "-n", "a b")
	var ce *CommandError
	if !errors.As(err, &ce) || !errors.Is(err, errExit1) {
		t.Fatalf("err = %v (%T)", err, err)
	}
	if ce.Command != "certutil -L -n 'a b'" || ce.Output != "certutil: bad\nmore" {
		t.Errorf("command %q, output %q", ce.Command, ce.Output)
	}
	if want := "run certutil -L -n 'a b': exit status 1: certutil: bad"; err.Error() != want {
		t.Errorf("message %q, want %q", err.Error(), want)
	}
}

func TestQuote(t *testing.T) {
	for _, tc := range []struct{ goos, in, want string }{
		{"linux", "plain-arg_1.pem", "plain-arg_1.pem"},
		{"linux", "rtdev development CA 0a", "'rtdev development CA 0a'"},
		{"linux", "it's", `'it'\''s'`},
		{"linux", "", "''"},
		{"linux", "C,,", "C,,"},
		{"darwin", "/Users/a/Library/Application Support/rtdev/ca.pem", "'/Users/a/Library/Application Support/rtdev/ca.pem'"},
		{"windows", `C:\Users\a b\ca.pem`, `"C:\Users\a b\ca.pem"`},
	} {
		if got := (Env{GOOS: tc.goos}).quote(tc.in); got != tc.want {
			t.Errorf("quote(%s, %q) = %s, want %s", tc.goos, tc.in, got, tc.want)
		}
	}
}

func TestRunSudoDecisions(t *testing.T) {
	const prompt = "--prompt=" + sudoPrompt
	for _, tc := range []struct {
		name      string
		goos      string
		uid       int
		asRoot    bool
		canPrompt bool
		sudo      bool
		call      []string // the command the runner sees, nil for none
		out       string
		wantErr   string
	}{
		{"user command", "linux", 1000, false, false, true, []string{"certutil", "-L"}, "", ""},
		{"root needs no sudo", "linux", 0, true, false, true, []string{"certutil", "-L"}, "", ""},
		{"windows never sudo", "windows", 1000, true, false, false, []string{"certutil", "-L"}, "", ""},
		{"prompt on a terminal", "linux", 1000, true, true, true, []string{"sudo", prompt, "--", "certutil", "-L"}, "", ""},
		{"passwordless sudo without a terminal", "darwin", 501, true, false, true, []string{"sudo", "-n", "--", "certutil", "-L"}, "", ""},
		{"password needed without a terminal", "linux", 1000, true, false, true, []string{"sudo", "-n", "--", "certutil", "-L"},
			"sudo: a password is required\n", "sudo needs a password"},
		{"no sudo", "linux", 1000, true, true, false, nil, "", "sudo is not installed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			paths := map[string]string{}
			if tc.sudo {
				paths["sudo"] = "/usr/bin/sudo"
			}
			f := newFake(t, paths)
			if tc.call != nil {
				var err error
				if tc.wantErr != "" {
					err = errExit1
				}
				f.Expect(cmd(tc.call[0], tc.call[1:]...).Returns(tc.out, err))
			}
			env := testEnv(t, tc.goos, tc.uid, f, nil)
			env.CanPrompt = tc.canPrompt
			prompted := false
			env.BeforePrompt = func() { prompted = true }
			_, err := env.run(context.Background(), tc.asRoot, nil, "certutil", "-L")
			// Only sudo with a prompt may ask; the caller's spinner stays
			// up for everything else.
			if wantPrompt := slices.Contains(tc.call, prompt); prompted != wantPrompt {
				t.Errorf("BeforePrompt called = %v, want %v", prompted, wantPrompt)
			}
			if tc.wantErr == "" {
				if err != nil {
					t.Errorf("err = %v", err)
				}
				return
			}
			var nr *NeedsRootError
			if !errors.As(err, &nr) || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(nr.Hint(), "certutil -L") {
				t.Errorf("err = %v, want NeedsRootError %q", err, tc.wantErr)
			}
		})
	}
}
