package trust

import (
	"context"
	"crypto/sha1"
	"crypto/x509"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestWindowsStoreNeverRunsCommands(t *testing.T) {
	c := testCA(t)
	root := &mapRoot{certs: map[[sha1.Size]byte][]byte{{1}: []byte("other")}}
	env := testEnv(t, "windows", 1000, newFake(t, nil), nil) // strict: no command allowed
	env.winRoot = root
	s := newSystemStore(env, c)
	ctx := context.Background()

	wantState(t, one(t, s.Status(ctx)), Missing)
	r := one(t, s.Install(ctx))
	wantState(t, r, Installed)
	if r.Location != `CurrentUser\Root` || !r.RestartBrowser {
		t.Errorf("install result = %+v", r)
	}
	if _, ok := root.certs[sha1.Sum(c.Cert.Raw)]; !ok {
		t.Fatal("CA not added to the Root store")
	}
	wantState(t, one(t, s.Install(ctx)), Already)
	wantState(t, one(t, s.Status(ctx)), Installed)
	wantState(t, one(t, s.Uninstall(ctx)), Removed)
	if _, ok := root.certs[[sha1.Size]byte{1}]; !ok || len(root.certs) != 1 {
		t.Errorf("uninstall touched other certificates: %d left", len(root.certs))
	}
	wantState(t, one(t, s.Uninstall(ctx)), Missing)
}

func TestWindowsStoreReportsDeclinedAdd(t *testing.T) {
	c := testCA(t)
	env := testEnv(t, "windows", 1000, newFake(t, nil), nil)
	env.winRoot = &mapRoot{addErr: errors.New("The operation was canceled by the user.")}
	r := one(t, newSystemStore(env, c).Install(context.Background()))
	wantState(t, r, Failed)
	if want := `certutil -user -addstore Root ` + env.quote(certFile(c)); r.Command != want {
		t.Errorf("command = %q, want %q", r.Command, want)
	}
}

// A confirmation dialog the user declines can leave Add without an error
// and the store without the CA; Install must look and fail.
func TestWindowsStoreReportsSilentlyDroppedAdd(t *testing.T) {
	c := testCA(t)
	env := testEnv(t, "windows", 1000, newFake(t, nil), nil)
	env.winRoot = &mapRoot{dropAdds: true}
	r := one(t, newSystemStore(env, c).Install(context.Background()))
	wantState(t, r, Failed)
	if !strings.Contains(r.Reason, "declined") || !strings.HasPrefix(r.Command, "certutil -user -addstore Root ") {
		t.Errorf("result = %+v", r)
	}
}

func TestWindowsStoreTrustedElsewhere(t *testing.T) {
	c := testCA(t)
	env := testEnv(t, "windows", 1000, newFake(t, nil), nil)
	env.verify = func(*x509.Certificate) error { return nil } // e.g. LocalMachine\Root
	s := newSystemStore(env, c)
	st := one(t, s.Status(context.Background()))
	wantState(t, st, Installed)
	if !strings.Contains(st.Reason, "another Windows store") {
		t.Errorf("reason = %q", st.Reason)
	}
	wantState(t, one(t, s.Install(context.Background())), Already)
	wantState(t, one(t, s.Uninstall(context.Background())), Missing)
}

func TestMacOSKeychainSequence(t *testing.T) {
	c := testCA(t)
	sum := sha1.Sum(c.Cert.Raw)
	sha := fmt.Sprintf("%X", sum)
	for _, tc := range []struct {
		name string
		uid  int
		pre  []string // sudo prefix
	}{
		{"as a user", 501, []string{"sudo", "--prompt=" + sudoPrompt, "--"}},
		{"as root", 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t, map[string]string{"sudo": "/usr/bin/sudo"})
			env := testEnv(t, "darwin", tc.uid, f, nil)
			env.CanPrompt = true
			trusted := false
			env.verify = func(*x509.Certificate) error {
				if trusted {
					return nil
				}
				return errors.New("x509: certificate signed by unknown authority")
			}
			priv := func(args ...string) call {
				all := append(append([]string{}, tc.pre...), args...)
				return cmd(all[0], all[1:]...)
			}
			s := newSystemStore(env, c)
			ctx := context.Background()

			st := one(t, s.Status(ctx))
			wantState(t, st, Missing)
			f.Expect(priv("security", "add-trusted-cert", "-d", "-r", "trustRoot", "-p", "ssl", "-p", "basic",
				"-k", "/Library/Keychains/System.keychain", certFile(c)).Then(func() { trusted = true }))
			r := one(t, s.Install(ctx))
			wantState(t, r, Installed)
			if !r.RestartBrowser || r.Location != systemKeychain {
				t.Errorf("install result = %+v", r)
			}
			wantState(t, one(t, s.Install(ctx)), Already)

			listing := "keychain: \"/Library/Keychains/System.keychain\"\nSHA-256 hash: 00\nSHA-1 hash: " + sha + "\n"
			f.Expect(
				cmd("security", "find-certificate", "-a", "-Z", systemKeychain).Returns(listing, nil),
				priv("security", "remove-trusted-cert", "-d", certFile(c)),
				priv("security", "delete-certificate", "-Z", sha, systemKeychain).Then(func() { trusted = false }),
			)
			wantState(t, one(t, s.Uninstall(ctx)), Removed)
			f.Expect(cmd("security", "find-certificate", "-a", "-Z", systemKeychain).Returns("SHA-1 hash: 0123\n", nil))
			wantState(t, one(t, s.Uninstall(ctx)), Missing)
			wantState(t, one(t, s.Status(ctx)), Missing)
		})
	}
}

func TestMacOSHeadlessTrustChangeExplainsTheDialog(t *testing.T) {
	c := testCA(t)
	f := newFake(t, map[string]string{"sudo": "/usr/bin/sudo"})
	env := testEnv(t, "darwin", 0, f, nil)
	f.Expect(cmd("security", "add-trusted-cert", "-d", "-r", "trustRoot", "-p", "ssl", "-p", "basic",
		"-k", systemKeychain, certFile(c)).Returns("SecTrustSettingsSetTrustSettings: errSecInternalComponent\n", errExit1))
	r := one(t, newSystemStore(env, c).Install(context.Background()))
	wantState(t, r, Failed)
	if !strings.Contains(r.Reason, "dialog") || !strings.HasPrefix(r.Command, "security add-trusted-cert") {
		t.Errorf("result = %+v", r)
	}
}

func TestMacOSWithoutPromptNeverAsks(t *testing.T) {
	c := testCA(t)
	f := newFake(t, map[string]string{"sudo": "/usr/bin/sudo"})
	env := testEnv(t, "darwin", 501, f, nil) // CanPrompt false: --yes or no terminal
	args := []string{"add-trusted-cert", "-d", "-r", "trustRoot", "-p", "ssl", "-p", "basic", "-k", systemKeychain, certFile(c)}
	f.Expect(cmd("sudo", append([]string{"-n", "--", "security"}, args...)...).Returns("sudo: a password is required\n", errExit1))
	r := one(t, newSystemStore(env, c).Install(context.Background()))
	wantState(t, r, Failed)
	if want := "sudo " + env.display("security", args...); r.Command != want {
		t.Errorf("command = %q, want %q", r.Command, want)
	}
}

func TestOtherOSIsUnsupported(t *testing.T) {
	c := testCA(t)
	env := testEnv(t, "freebsd", 0, newFake(t, nil), nil)
	stores, err := Stores(env, c, []string{"system", "nss"})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stores {
		r := one(t, s.Install(context.Background()))
		wantState(t, r, Unsupported)
		if r.Reason == "" {
			t.Errorf("%s: no reason", s.Name())
		}
	}
}
