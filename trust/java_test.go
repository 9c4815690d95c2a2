package trust

import (
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
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
		}, "no cacerts in JAVA_HOME (@) (looked for @/jre/lib/security/cacerts and @/lib/security/cacerts)"},
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

// jdkTree makes a JDK folder with keytool and a cacerts file; cacerts, when
// not empty, is a link target instead (Debian's shared cacerts).
func jdkTree(t *testing.T, home, cacerts string) {
	t.Helper()
	writeFile(t, filepath.Join(home, "bin", "keytool"), "")
	writeFile(t, filepath.Join(home, "bin", "java"), "")
	if err := os.Chmod(filepath.Join(home, "bin", "java"), 0o755); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(home, "lib", "security", "cacerts")
	if cacerts == "" {
		writeFile(t, dst, "")
		return
	}
	mkdirs(t, filepath.Dir(dst))
	symlink(t, cacerts, dst)
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	mkdirs(t, filepath.Dir(link))
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// JDKs as a Debian machine has them: java on PATH through alternatives
// links, several JDKs in /usr/lib/jvm sharing one cacerts, an alias link,
// a source-only folder, and a JAVA_HOME that points nowhere.
func TestJavaFindsJDKs(t *testing.T) {
	c := testCA(t)
	f := newFake(t, nil)
	tree := t.TempDir()
	nowhere := filepath.Join(tree, "gone", "jdk")
	env := testEnv(t, "linux", 0, f, map[string]string{"PATH": filepath.Join(tree, "usr", "bin"), "JAVA_HOME": nowhere})
	jdk21 := filepath.Join(tree, "opt", "jdk-21")
	jdkTree(t, jdk21, "")
	symlink(t, filepath.Join(jdk21, "bin", "java"), filepath.Join(tree, "etc", "alternatives", "java"))
	symlink(t, filepath.Join(tree, "etc", "alternatives", "java"), filepath.Join(tree, "usr", "bin", "java"))

	jvm := env.sys(jvmDir)
	shared := env.sys("/etc/ssl/certs/java/cacerts")
	writeFile(t, shared, "")
	jdkTree(t, filepath.Join(jvm, "java-17-openjdk-amd64"), shared)
	jdkTree(t, filepath.Join(jvm, "java-11-openjdk-amd64"), shared)
	symlink(t, "java-17-openjdk-amd64", filepath.Join(jvm, "java-1.17.0-openjdk-amd64"))
	symlink(t, jdk21, filepath.Join(jvm, "jdk-21"))
	writeFile(t, filepath.Join(jvm, "openjdk-17", "src.zip"), "")

	list := func(keytool, cacerts string) call {
		return cmd(keytool, "-list", "-keystore", cacerts, "-storepass", "changeit").Returns(keytoolList(nil), nil)
	}
	f.Expect(
		list(filepath.Join(jdk21, "bin", "keytool"), filepath.Join(jdk21, "lib", "security", "cacerts")),
		list(filepath.Join(jvm, "java-1.17.0-openjdk-amd64", "bin", "keytool"), shared),
	)
	rs := (&javaStore{env: env, ca: c}).Status(context.Background())
	if len(rs) != 3 {
		t.Fatalf("got %d results, want JAVA_HOME, the PATH JDK and the shared cacerts once: %+v", len(rs), rs)
	}
	var je *JavaHomeError
	if rs[0].State != Skipped || !errors.As(rs[0].Err, &je) || je.Path != nowhere || !strings.Contains(rs[0].Reason, "JAVA_HOME is "+nowhere+", which does not exist") ||
		!strings.Contains(rs[0].Command, "unset JAVA_HOME") {
		t.Errorf("JAVA_HOME result = %+v", rs[0])
	}
	for i, want := range []string{filepath.Join(jdk21, "lib", "security", "cacerts"), shared} {
		if r := rs[i+1]; r.State != Missing || r.Location != want {
			t.Errorf("result %d = %+v, want missing at %s", i+1, r, want)
		}
	}
}

// RTDEV_JAVA_HOMES replaces the search; "none" finds nothing.
func TestJavaHomesOverride(t *testing.T) {
	tree := t.TempDir()
	jdkTree(t, filepath.Join(tree, "jdk"), "")
	vars := map[string]string{"PATH": filepath.Join(tree, "jdk", "bin"), "JAVA_HOME": filepath.Join(tree, "jdk"), EnvJavaHomes: "none"}
	env := testEnv(t, "linux", 0, newFake(t, nil), vars)
	r := one(t, (&javaStore{env: env, ca: testCA(t)}).Status(context.Background()))
	wantState(t, r, Skipped)
	if !strings.Contains(r.Reason, EnvJavaHomes+" is none") {
		t.Errorf("reason = %q", r.Reason)
	}
}

// macOS: java_home -V lists the JDKs; Homebrew's keg as JAVA_HOME has no
// cacerts of its own, only a keytool linked into the real JDK (mkcert#472).
func TestJavaMacOSJavaHomeAndHomebrewKeg(t *testing.T) {
	c := testCA(t)
	f := newFake(t, nil)
	tree := t.TempDir()
	keg := filepath.Join(tree, "opt", "openjdk")
	kegHome := filepath.Join(keg, "libexec", "openjdk.jdk", "Contents", "Home")
	jdkTree(t, kegHome, "")
	symlink(t, filepath.Join(kegHome, "bin", "keytool"), filepath.Join(keg, "bin", "keytool"))
	temurin := filepath.Join(tree, "Java VMs", "temurin-17.jdk", "Contents", "Home")
	jdkTree(t, temurin, "")

	env := testEnv(t, "darwin", 501, f, map[string]string{"JAVA_HOME": keg})
	writeFile(t, env.sys(javaHomeTool), "")
	out := "Matching Java Virtual Machines (2):\n" +
		`    21.0.1 (arm64) "Homebrew" - "OpenJDK 21.0.1" ` + kegHome + "\n" +
		`    17.0.9 (x86_64) "Eclipse Adoptium" - "OpenJDK 17.0.9" ` + temurin + "\n" + kegHome + "\n"
	f.Expect(
		cmd(env.sys(javaHomeTool), "-V").Returns(out, nil),
		cmd(filepath.Join(keg, "bin", "keytool"), "-list", "-keystore", filepath.Join(kegHome, "lib", "security", "cacerts"), "-storepass", "changeit").Returns(keytoolList(nil), nil),
		cmd(filepath.Join(temurin, "bin", "keytool"), "-list", "-keystore", filepath.Join(temurin, "lib", "security", "cacerts"), "-storepass", "changeit").Returns(keytoolList(nil), nil),
	)
	rs := (&javaStore{env: env, ca: c}).Status(context.Background())
	if len(rs) != 2 || rs[0].State != Missing || rs[1].State != Missing {
		t.Fatalf("results = %+v, want the keg's JDK and Temurin, each missing", rs)
	}
}
