package trust

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// keytoolList renders `keytool -list` output the way JDK 17 prints it.
func keytoolList(entries map[string]string) string {
	var b strings.Builder
	b.WriteString("Keystore type: JKS\nKeystore provider: SUN\n\nYour keystore contains 2 entries\n\n")
	b.WriteString("debian:accvraiz1.pem, Jun 24, 2025, trustedCertEntry, \nCertificate fingerprint (SHA-256): 9A:6E:C0:12\n")
	for alias, fp := range entries {
		fmt.Fprintf(&b, "%s, Nov 21, 2026, trustedCertEntry, \nCertificate fingerprint (SHA-256): %s\n", alias, fp)
	}
	return b.String()
}

func colonHex(b []byte) string {
	parts := make([]string, len(b))
	for i, x := range b {
		parts[i] = fmt.Sprintf("%02X", x)
	}
	return strings.Join(parts, ":")
}

func javaEnv(t *testing.T, layout string) (Env, *fakeRunner, string, string) {
	t.Helper()
	f := newFake(t, map[string]string{"sudo": "/usr/bin/sudo"})
	jh := t.TempDir()
	env := testEnv(t, "linux", 0, f, map[string]string{"JAVA_HOME": jh})
	keytool := filepath.Join(jh, "bin", "keytool")
	writeFile(t, keytool, "")
	cacerts := filepath.Join(jh, layout, "security", "cacerts")
	writeFile(t, cacerts, "")
	return env, f, keytool, cacerts
}

func TestJavaSequence(t *testing.T) {
	for _, layout := range []string{"lib", "jre/lib"} {
		t.Run(layout, func(t *testing.T) {
			c := testCA(t)
			env, f, keytool, cacerts := javaEnv(t, layout)
			sum := sha256.Sum256(c.Cert.Raw)
			list := cmd(keytool, "-list", "-keystore", cacerts, "-storepass", "changeit")
			absent := keytoolList(nil)
			present := keytoolList(map[string]string{strings.ToLower(c.UniqueName()): colonHex(sum[:])})
			s := &javaStore{env: env, ca: c}
			ctx := context.Background()

			f.Expect(list.Returns(absent, nil))
			wantState(t, one(t, s.Status(ctx)), Missing)

			f.Expect(
				list.Returns(absent, nil),
				cmd(keytool, "-importcert", "-noprompt", "-alias", c.UniqueName(), "-file", certFile(c), "-keystore", cacerts, "-storepass", "changeit"),
				list.Returns(present, nil),
			)
			r := one(t, s.Install(ctx))
			wantState(t, r, Installed)
			if r.Location != cacerts {
				t.Errorf("location = %s, want %s", r.Location, cacerts)
			}
			f.Expect(list.Returns(present, nil))
			wantState(t, one(t, s.Install(ctx)), Already)

			f.Expect(
				list.Returns(present, nil),
				cmd(keytool, "-delete", "-alias", c.UniqueName(), "-keystore", cacerts, "-storepass", "changeit"),
			)
			wantState(t, one(t, s.Uninstall(ctx)), Removed)
			f.Expect(list.Returns(absent, nil))
			wantState(t, one(t, s.Uninstall(ctx)), Missing)
		})
	}
}

// Debian's jks-keystore hook copies the system anchors into cacerts under
// its own alias: Status counts it, Uninstall leaves it to the system store.
func TestJavaForeignAliasIsLeftAlone(t *testing.T) {
	c := testCA(t)
	env, f, keytool, cacerts := javaEnv(t, "lib")
	s1 := sha1.Sum(c.Cert.Raw) // JDK 8 prints SHA-1 only
	hooked := strings.ReplaceAll(keytoolList(map[string]string{"debian:rtdev_development_ca.pem": colonHex(s1[:])}), "SHA-256", "SHA1")
	list := cmd(keytool, "-list", "-keystore", cacerts, "-storepass", "changeit")
	s := &javaStore{env: env, ca: c}

	f.Expect(list.Returns(hooked, nil))
	st := one(t, s.Status(context.Background()))
	wantState(t, st, Installed)
	if !strings.Contains(st.Reason, "debian:rtdev_development_ca.pem") {
		t.Errorf("reason = %q", st.Reason)
	}
	f.Expect(list.Returns(hooked, nil))
	un := one(t, s.Uninstall(context.Background()))
	wantState(t, un, Missing)
	if !strings.Contains(un.Reason, "left alone") {
		t.Errorf("reason = %q", un.Reason)
	}
}

func TestJavaSkips(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, jh string) map[string]string
		want  string
	}{
		{"no JAVA_HOME", func(*testing.T, string) map[string]string { return map[string]string{} }, "JAVA_HOME is not set"},
		{"no keytool", func(_ *testing.T, jh string) map[string]string { return map[string]string{"JAVA_HOME": jh} }, "no keytool in"},
		{"no cacerts (Homebrew keg, mkcert#472)", func(t *testing.T, jh string) map[string]string {
			writeFile(t, filepath.Join(jh, "bin", "keytool"), "")
			return map[string]string{"JAVA_HOME": jh}
		}, "no cacerts in JAVA_HOME (looked for " + "@/lib/security/cacerts and @/jre/lib/security/cacerts)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			jh := t.TempDir()
			env := testEnv(t, "linux", 0, newFake(t, nil), tc.setup(t, jh))
			s := &javaStore{env: env, ca: testCA(t)}
			for _, r := range [][]Result{s.Status(context.Background()), s.Install(context.Background()), s.Uninstall(context.Background())} {
				got := one(t, r)
				wantState(t, got, Skipped)
				if want := strings.ReplaceAll(tc.want, "@", jh); !strings.Contains(got.Reason, want) {
					t.Errorf("reason = %q, want %q", got.Reason, want)
				}
			}
		})
	}
}

func TestJavaImportFailureKeepsOutput(t *testing.T) {
	c := testCA(t)
	env, f, keytool, cacerts := javaEnv(t, "lib")
	f.Expect(
		cmd(keytool, "-list", "-keystore", cacerts, "-storepass", "changeit").Returns(keytoolList(nil), nil),
		cmd(keytool, "-importcert", "-noprompt", "-alias", c.UniqueName(), "-file", certFile(c), "-keystore", cacerts, "-storepass", "changeit").
			Returns("keytool error: java.io.IOException: Keystore was tampered with, or password was incorrect\n", errExit1),
	)
	r := one(t, (&javaStore{env: env, ca: c}).Install(context.Background()))
	wantState(t, r, Failed)
	// rtdev is root here, so the command to run by hand has no sudo.
	wantCmd := env.display(keytool, "-importcert", "-noprompt", "-alias", c.UniqueName(), "-file", certFile(c), "-keystore", cacerts, "-storepass", "changeit")
	if !strings.Contains(r.Output, "password was incorrect") || !strings.Contains(r.Command, "-importcert") || r.Command != wantCmd {
		t.Errorf("result = %+v, want command %q", r, wantCmd)
	}
}
