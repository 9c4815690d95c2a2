package trust

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/ca"
)

// bundleWriter simulates a refresh command: it writes the family's first
// bundle with an unrelated certificate and, when the anchor file exists, the
// CA.
func bundleWriter(t *testing.T, env Env, d distro, anchor string) func() {
	return func() {
		data := "-----BEGIN CERTIFICATE-----\nTUlJQg==\n-----END CERTIFICATE-----\n"
		if pemData, err := os.ReadFile(anchor); err == nil {
			data += string(pemData)
		}
		writeFile(t, env.sys(d.bundles[0]), data)
	}
}

// wantAnchor spells out the anchor file the tests expect: the CA's unique
// name and an extension, in an anchor folder.
func wantAnchor(env Env, c *ca.CA, dir, ext string) string {
	return filepath.Join(env.sys(dir), strings.ReplaceAll(c.UniqueName(), " ", "_")+ext)
}

func TestDistroInstallAsRootPerFamily(t *testing.T) {
	for _, d := range distros {
		t.Run(d.family+d.anchorDir, func(t *testing.T) {
			c := testCA(t)
			f := newFake(t, nil)
			env := testEnv(t, "linux", 0, f, nil)
			mkdirs(t, env.sys(d.anchorDir))
			anchor := wantAnchor(env, c, d.anchorDir, d.ext)
			// Another CA's anchor, which nothing may touch.
			otherAnchor := filepath.Join(env.sys(d.anchorDir), "corp-root"+d.ext)
			writeFile(t, otherAnchor, "corp")
			s := &distroStore{env: env, ca: c}

			wantState(t, one(t, s.Status(context.Background())), Missing)
			f.Expect(cmd(d.refresh[0], d.refresh[1:]...).Then(bundleWriter(t, env, d, anchor)))
			r := one(t, s.Install(context.Background()))
			wantState(t, r, Installed)
			if r.Location != anchor {
				t.Errorf("location = %s, want %s", r.Location, anchor)
			}
			if got, _ := os.ReadFile(anchor); string(got) != string(c.CertPEM) {
				t.Errorf("anchor file holds %q, want the CA PEM", got)
			}
			if !strings.Contains(anchor, c.Fingerprint()[:16]) {
				t.Errorf("anchor name %s lacks the fingerprint", anchor)
			}

			wantState(t, one(t, s.Install(context.Background())), Already) // no command expected
			wantState(t, one(t, s.Status(context.Background())), Installed)

			f.Expect(cmd(d.refresh[0], d.refresh[1:]...).Then(bundleWriter(t, env, d, anchor)))
			wantState(t, one(t, s.Uninstall(context.Background())), Removed)
			if exists(anchor) {
				t.Error("anchor still exists after uninstall")
			}
			if got, _ := os.ReadFile(otherAnchor); string(got) != "corp" {
				t.Error("uninstall touched another anchor")
			}
			wantState(t, one(t, s.Status(context.Background())), Missing)
			wantState(t, one(t, s.Uninstall(context.Background())), Missing)
		})
	}
}

func TestDistroInstallThroughSudo(t *testing.T) {
	const prompt = "--prompt=" + sudoPrompt
	c := testCA(t)
	d := distros[1] // debian
	for _, tc := range []struct {
		name      string
		canPrompt bool
		sudo      []string // sudo's arguments before the command
	}{
		{"prompts on a terminal", true, []string{prompt, "--"}},
		{"never prompts without one", false, []string{"-n", "--"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, map[string]string{"sudo": "/usr/bin/sudo"})
			env := testEnv(t, "linux", 1000, f, nil)
			env.CanPrompt = tc.canPrompt
			mkdirs(t, env.sys(d.anchorDir))
			anchor := wantAnchor(env, c, d.anchorDir, ".crt")
			f.Expect(
				cmd("sudo", append(tc.sudo, "tee", anchor)...).With(string(c.CertPEM)).Then(func() { writeFile(t, anchor, string(c.CertPEM)) }),
				cmd("sudo", append(tc.sudo, "update-ca-certificates")...).Then(bundleWriter(t, env, d, anchor)),
			)
			wantState(t, one(t, (&distroStore{env: env, ca: c}).Install(context.Background())), Installed)

			f.Expect(
				cmd("sudo", append(tc.sudo, "rm", "-f", anchor)...).Then(func() { os.Remove(anchor) }),
				cmd("sudo", append(tc.sudo, "update-ca-certificates")...).Then(bundleWriter(t, env, d, anchor)),
			)
			wantState(t, one(t, (&distroStore{env: env, ca: c}).Uninstall(context.Background())), Removed)
		})
	}
}

func TestDistroNeedsRootGivesTheCommand(t *testing.T) {
	c := testCA(t)
	d := distros[1]
	for _, tc := range []struct {
		name  string
		paths map[string]string
		calls func(anchor string) []call
		why   string
		// sudo is in front of each step only when sudo exists: without it
		// "sudo cp" cannot work, and the hint says to run it as root.
		sudo string
	}{
		{"sudo wants a password", map[string]string{"sudo": "/usr/bin/sudo"}, func(anchor string) []call {
			return []call{cmd("sudo", "-n", "--", "tee", anchor).Returns("sudo: a password is required\n", errExit1)}
		}, "sudo needs a password", "sudo "},
		{"no sudo at all", nil, func(string) []call { return nil }, "sudo is not installed", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, tc.paths)
			env := testEnv(t, "linux", 1000, f, nil)
			mkdirs(t, env.sys(d.anchorDir))
			anchor := wantAnchor(env, c, d.anchorDir, ".crt")
			f.Expect(tc.calls(anchor)...)
			r := one(t, (&distroStore{env: env, ca: c}).Install(context.Background()))
			wantState(t, r, Failed)
			want := tc.sudo + "cp " + certFile(c) + " " + anchor + " && " + tc.sudo + "update-ca-certificates"
			if r.Command != want {
				t.Errorf("command = %q, want %q", r.Command, want)
			}
			var nr *NeedsRootError
			if !errors.As(r.Err, &nr) || nr.Hint() != want || !strings.Contains(nr.Error(), tc.why) || nr.NoSudo != (tc.sudo == "") {
				t.Errorf("err = %v (%+v), want a NeedsRootError with hint %q mentioning %q", r.Err, r.Err, want, tc.why)
			}
		})
	}
}

// debianAsRoot is a Debian-style Root, with rtdev running as root.
func debianAsRoot(t *testing.T) (*ca.CA, *fakeRunner, Env) {
	c := testCA(t)
	f := newFake(t, nil)
	env := testEnv(t, "linux", 0, f, nil)
	mkdirs(t, env.sys(distros[1].anchorDir))
	return c, f, env
}

func TestDistroRefreshFailureKeepsOutput(t *testing.T) {
	c, f, env := debianAsRoot(t)
	f.Expect(cmd("update-ca-certificates").Returns("run-parts: failed to exec hook\n", errExit1))
	r := one(t, (&distroStore{env: env, ca: c}).Install(context.Background()))
	wantState(t, r, Failed)
	if r.Output != "run-parts: failed to exec hook" || !strings.Contains(r.Reason, "update-ca-certificates") {
		t.Errorf("output %q, reason %q", r.Output, r.Reason)
	}
	// The anchor is there but the bundle was never rebuilt: Status says so
	// and names the refresh command.
	st := one(t, (&distroStore{env: env, ca: c}).Status(context.Background()))
	wantState(t, st, Missing)
	if st.Command != "update-ca-certificates" || !strings.Contains(st.Reason, "not refreshed") {
		t.Errorf("status = %+v", st)
	}
}

func TestDistroRefreshThatLeavesBundleUnchangedFails(t *testing.T) {
	c, f, env := debianAsRoot(t)
	f.Expect(cmd("update-ca-certificates")) // writes nothing
	r := one(t, (&distroStore{env: env, ca: c}).Install(context.Background()))
	wantState(t, r, Failed)
	if !strings.Contains(r.Reason, "no trust bundle") {
		t.Errorf("reason = %q", r.Reason)
	}
}

func TestDistroUnknownLinuxIsUnsupported(t *testing.T) {
	c := testCA(t)
	env := testEnv(t, "linux", 0, newFake(t, nil), nil)
	s := &distroStore{env: env, ca: c}
	for _, rs := range [][]Result{s.Status(context.Background()), s.Install(context.Background()), s.Uninstall(context.Background())} {
		r := one(t, rs)
		wantState(t, r, Unsupported)
		if !strings.Contains(r.Reason, certFile(c)) {
			t.Errorf("reason %q does not say which file to import", r.Reason)
		}
	}
}

func TestDistroLeavesForeignBundleEntryAlone(t *testing.T) {
	c := testCA(t)
	d := distros[1]
	env := testEnv(t, "linux", 0, newFake(t, nil), nil)
	mkdirs(t, env.sys(d.anchorDir))
	// The CA reached the bundle by another anchor (a user's manual copy).
	writeFile(t, env.sys(d.bundles[0]), string(c.CertPEM))
	s := &distroStore{env: env, ca: c}
	st := one(t, s.Status(context.Background()))
	wantState(t, st, Installed)
	if !strings.Contains(st.Reason, "another anchor") {
		t.Errorf("reason = %q", st.Reason)
	}
	wantState(t, one(t, s.Install(context.Background())), Already)
	un := one(t, s.Uninstall(context.Background()))
	wantState(t, un, Missing)
	if !strings.Contains(un.Reason, "left alone") {
		t.Errorf("reason = %q", un.Reason)
	}
}
