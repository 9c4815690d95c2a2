package trust

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/ca"
)

func TestNSSDatabases(t *testing.T) {
	const ini = "[General]\nStartWithLastProfile=1\n\n[Profile0]\nName=default\nIsRelative=1\nPath=abc.default-release\nDefault=1\n"
	for _, tc := range []struct {
		name  string
		goos  string
		vars  map[string]string // relative values are under HOME
		files []string          // created under HOME ("dir/" makes a folder)
		want  []string          // folder under HOME, "+" when Install creates the database
	}{
		{"fresh home gets the Chromium 146 folder", "linux", nil, nil,
			[]string{"+.local/share/pki/nssdb"}},
		{"legacy Chromium folder wins", "linux", nil, []string{".pki/nssdb/cert9.db"},
			[]string{".pki/nssdb"}},
		{"empty legacy folder gets a database", "linux", nil, []string{".pki/nssdb/"},
			[]string{"+.pki/nssdb"}},
		{"both Chromium folders", "linux", nil, []string{".pki/nssdb/cert9.db", ".local/share/pki/nssdb/cert9.db"},
			[]string{".local/share/pki/nssdb", ".pki/nssdb"}},
		{"XDG_DATA_HOME", "linux", map[string]string{"XDG_DATA_HOME": "@/data"}, nil,
			[]string{"+data/pki/nssdb"}},
		{"relative XDG_DATA_HOME is ignored", "linux", map[string]string{"XDG_DATA_HOME": "data"}, nil,
			[]string{"+.local/share/pki/nssdb"}},
		{"snap Chromium", "linux", nil, []string{".pki/nssdb/cert9.db", "snap/chromium/current/.pki/nssdb/cert9.db"},
			[]string{".pki/nssdb", "snap/chromium/current/.pki/nssdb"}},
		{"Firefox legacy: listed profile without a database, unlisted one with", "linux", nil,
			[]string{".pki/nssdb/cert9.db", ".mozilla/firefox/profiles.ini=" + ini, ".mozilla/firefox/abc.default-release/",
				".mozilla/firefox/old.default/cert9.db", ".mozilla/firefox/Crash Reports/"},
			[]string{".pki/nssdb", "+.mozilla/firefox/abc.default-release", ".mozilla/firefox/old.default"}},
		{"Firefox 147 XDG, snap, flatpak, dbm", "linux", nil,
			[]string{".pki/nssdb/cert9.db", ".config/mozilla/firefox/x.default/cert9.db",
				"snap/firefox/common/.mozilla/firefox/s.default/cert9.db",
				".var/app/org.mozilla.firefox/.mozilla/firefox/f.default/cert8.db"},
			[]string{".pki/nssdb", ".config/mozilla/firefox/x.default", "snap/firefox/common/.mozilla/firefox/s.default",
				".var/app/org.mozilla.firefox/.mozilla/firefox/f.default"}},
		{"absolute profile path", "linux", nil,
			[]string{".pki/nssdb/cert9.db", ".mozilla/firefox/profiles.ini=[Profile0]\nIsRelative=0\nPath=@/elsewhere/p\n", "elsewhere/p/"},
			[]string{".pki/nssdb", "+elsewhere/p"}},
		{"Flatpak Chrome: its own data folder, created", "linux", nil,
			[]string{".pki/nssdb/cert9.db", ".local/share/flatpak/app/com.google.Chrome/"},
			[]string{".pki/nssdb", "+.var/app/com.google.Chrome/data/pki/nssdb"}},
		{"Flatpak Chromium shares the host's legacy folder", "linux", nil,
			[]string{".pki/nssdb/cert9.db", ".local/share/flatpak/app/org.chromium.Chromium/"},
			[]string{".pki/nssdb"}},
		{"Flatpak Chromium without a legacy folder", "linux", nil,
			[]string{".local/share/flatpak/app/org.chromium.Chromium/"},
			[]string{"+.local/share/pki/nssdb", "+.var/app/org.chromium.Chromium/data/pki/nssdb"}},
		{"Flatpak ungoogled-chromium's persisted folder", "linux", nil,
			[]string{".pki/nssdb/cert9.db", ".local/share/flatpak/app/io.github.ungoogled_software.ungoogled_chromium/",
				".var/app/io.github.ungoogled_software.ungoogled_chromium/.pki/nssdb/cert9.db"},
			[]string{".pki/nssdb", ".var/app/io.github.ungoogled_software.ungoogled_chromium/.pki/nssdb"}},
		{"macOS: Firefox only", "darwin", nil,
			[]string{".pki/nssdb/cert9.db", "Library/Application Support/Firefox/profiles.ini=[Profile0]\nPath=Profiles/m.default\n",
				"Library/Application Support/Firefox/Profiles/m.default/cert9.db"},
			[]string{"Library/Application Support/Firefox/Profiles/m.default"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			home := t.TempDir()
			abs := func(s string) string { return strings.ReplaceAll(s, "@", home) }
			vars := map[string]string{"HOME": home}
			for k, v := range tc.vars {
				vars[k] = abs(v)
			}
			for _, f := range tc.files {
				name, content, _ := strings.Cut(f, "=")
				if strings.HasSuffix(name, "/") {
					mkdirs(t, filepath.Join(home, name))
				} else {
					writeFile(t, filepath.Join(home, name), abs(content))
				}
			}
			s := &nssStore{env: testEnv(t, tc.goos, 1000, newFake(t, nil), vars)}
			var got []string
			for _, db := range s.databases() {
				rel, _ := filepath.Rel(home, db.dir)
				if db.create {
					rel = "+" + rel
				}
				got = append(got, filepath.ToSlash(rel))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("databases:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestNSSInstallCreatesChromiumDatabase(t *testing.T) {
	c := testCA(t)
	f := newFake(t, map[string]string{"certutil": "/usr/bin/certutil"})
	env := testEnv(t, "linux", 1000, f, nil)
	dir := filepath.Join(env.home(), ".local", "share", "pki", "nssdb")
	nick := c.UniqueName()
	s := &nssStore{env: env, ca: c}
	ctx := context.Background()

	st := one(t, s.Status(ctx))
	wantState(t, st, Missing)
	f.Expect(
		cmd("/usr/bin/certutil", "-N", "-d", "sql:"+dir, "--empty-password").Then(func() { writeFile(t, filepath.Join(dir, "cert9.db"), "") }),
		cmd("/usr/bin/certutil", "-A", "-d", "sql:"+dir, "-t", "C,,", "-n", nick, "-i", certFile(c)),
		cmd("/usr/bin/certutil", "-V", "-d", "sql:"+dir, "-u", "L", "-n", nick).Returns("certutil: certificate is valid\n", nil),
	)
	r := one(t, s.Install(ctx))
	wantState(t, r, Installed)
	if r.Location != dir || !r.RestartBrowser || !strings.Contains(r.Reason, "created") {
		t.Errorf("result = %+v", r)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("database folder: %v %v", fi, err)
	}

	f.Expect(cmd("/usr/bin/certutil", "-V", "-d", "sql:"+dir, "-u", "L", "-n", nick).Returns("certutil: certificate is valid\n", nil))
	wantState(t, one(t, s.Install(ctx)), Already)

	notFound := "certutil: Could not find cert: " + nick + "\n: PR_FILE_NOT_FOUND_ERROR: File not found\n"
	f.Expect(
		cmd("/usr/bin/certutil", "-L", "-d", "sql:"+dir, "-n", nick).Returns("Certificate:\n", nil),
		cmd("/usr/bin/certutil", "-D", "-d", "sql:"+dir, "-n", nick),
		cmd("/usr/bin/certutil", "-L", "-d", "sql:"+dir, "-n", nick).Returns(notFound, errExit1),
	)
	un := one(t, s.Uninstall(ctx))
	wantState(t, un, Removed)
	if !un.RestartBrowser {
		t.Error("uninstall does not ask for a browser restart")
	}
	f.Expect(cmd("/usr/bin/certutil", "-L", "-d", "sql:"+dir, "-n", nick).Returns(notFound, errExit1))
	wantState(t, one(t, s.Uninstall(ctx)), Missing)
	f.Expect(cmd("/usr/bin/certutil", "-V", "-d", "sql:"+dir, "-u", "L", "-n", nick).
		Returns(`certutil: could not find certificate named "`+nick+`": PR_FILE_NOT_FOUND_ERROR: File not found`, errExit1))
	wantState(t, one(t, s.Status(ctx)), Missing)
}

// legacyNSS is a HOME with one existing Chromium database in ~/.pki/nssdb.
func legacyNSS(t *testing.T) (*ca.CA, *fakeRunner, Env, string) {
	c := testCA(t)
	f := newFake(t, map[string]string{"certutil": "/usr/bin/certutil"})
	env := testEnv(t, "linux", 1000, f, nil)
	dir := filepath.Join(env.home(), ".pki", "nssdb")
	writeFile(t, filepath.Join(dir, "cert9.db"), "")
	return c, f, env, dir
}

func TestNSSUntrustedEntryIsReTrusted(t *testing.T) {
	c, f, env, dir := legacyNSS(t)
	nick := c.UniqueName()
	f.Expect(
		cmd("/usr/bin/certutil", "-V", "-d", "sql:"+dir, "-u", "L", "-n", nick).
			Returns("certutil: certificate is invalid: Peer's certificate issuer has been marked as not trusted by the user.\n", errExit1),
		cmd("/usr/bin/certutil", "-A", "-d", "sql:"+dir, "-t", "C,,", "-n", nick, "-i", certFile(c)),
		cmd("/usr/bin/certutil", "-V", "-d", "sql:"+dir, "-u", "L", "-n", nick).Returns("certutil: certificate is valid\n", nil),
	)
	wantState(t, one(t, (&nssStore{env: env, ca: c}).Install(context.Background())), Installed)
}

func TestNSSReadOnlyOutputNamesTheDatabase(t *testing.T) {
	c := testCA(t)
	f := newFake(t, map[string]string{"certutil": "/usr/bin/certutil"})
	env := testEnv(t, "linux", 1000, f, nil)
	dir := filepath.Join(env.home(), ".pki", "nssdb")
	writeFile(t, filepath.Join(dir, "cert8.db"), "") // legacy format: dbm:
	nick := c.UniqueName()
	f.Expect(
		cmd("/usr/bin/certutil", "-V", "-d", "dbm:"+dir, "-u", "L", "-n", nick).Returns(`certutil: could not find certificate named "x"`, errExit1),
		cmd("/usr/bin/certutil", "-A", "-d", "dbm:"+dir, "-t", "C,,", "-n", nick, "-i", certFile(c)).
			Returns("certutil: function failed: SEC_ERROR_READ_ONLY: security library: read-only database.\n", errExit1),
	)
	r := one(t, (&nssStore{env: env, ca: c}).Install(context.Background()))
	wantState(t, r, Failed)
	var ro *ReadOnlyError
	if !errors.As(r.Err, &ro) || ro.Path != dir || !strings.Contains(r.Reason, dir) {
		t.Errorf("err = %v, reason %q", r.Err, r.Reason)
	}
}

func TestNSSMissingCertutilSaysHowToInstallIt(t *testing.T) {
	for _, tc := range []struct {
		goos, osRelease string
		uid             int
		want            string
	}{
		{"linux", "ID=debian\n", 1000, "sudo apt-get install libnss3-tools"},
		{"linux", "ID=ubuntu\nID_LIKE=debian\n", 0, "apt-get install libnss3-tools"},
		{"linux", "ID=linuxmint\nID_LIKE=\"ubuntu debian\"\n", 1000, "sudo apt-get install libnss3-tools"},
		{"linux", `ID="rocky"` + "\nID_LIKE=\"rhel centos fedora\"\n", 1000, "sudo dnf install nss-tools"},
		{"linux", "ID=fedora\n", 1000, "sudo dnf install nss-tools"},
		{"linux", "ID=arch\n", 1000, "sudo pacman -S nss"},
		{"linux", "ID=\"opensuse-tumbleweed\"\nID_LIKE=\"opensuse suse\"\n", 1000, "sudo zypper install mozilla-nss-tools"},
		{"darwin", "", 501, "brew install nss"},
	} {
		t.Run(tc.want+tc.osRelease, func(t *testing.T) {
			env := testEnv(t, tc.goos, tc.uid, newFake(t, map[string]string{"sudo": "/usr/bin/sudo"}), nil)
			if tc.osRelease != "" {
				writeFile(t, env.sys("/etc/os-release"), tc.osRelease)
			}
			if tc.goos == "darwin" {
				writeFile(t, filepath.Join(env.home(), "Library/Application Support/Firefox/Profiles/a/cert9.db"), "")
			}
			r := one(t, (&nssStore{env: env, ca: testCA(t)}).Install(context.Background()))
			wantState(t, r, Skipped)
			var mt *MissingToolError
			if r.Command != tc.want || !errors.As(r.Err, &mt) || mt.Hint() != tc.want || mt.Tool != "certutil" {
				t.Errorf("command %q, err %v; want %q", r.Command, r.Err, tc.want)
			}
		})
	}
}

func TestNSSHomebrewCertutilOnMacOS(t *testing.T) {
	c := testCA(t)
	f := newFake(t, nil) // not in PATH
	env := testEnv(t, "darwin", 501, f, nil)
	writeFile(t, env.sys("/opt/homebrew/opt/nss/bin/certutil"), "")
	dir := filepath.Join(env.home(), "Library/Application Support/Firefox/Profiles/a.default")
	writeFile(t, filepath.Join(dir, "cert9.db"), "")
	f.Expect(cmd("/opt/homebrew/opt/nss/bin/certutil", "-V", "-d", "sql:"+dir, "-u", "L", "-n", c.UniqueName()).Returns("certutil: certificate is valid", nil))
	r := one(t, (&nssStore{env: env, ca: c}).Status(context.Background()))
	wantState(t, r, Installed)
}

func TestNSSSkipsWithoutProfilesOnMacOS(t *testing.T) {
	env := testEnv(t, "darwin", 501, newFake(t, nil), nil)
	r := one(t, (&nssStore{env: env, ca: testCA(t)}).Install(context.Background()))
	wantState(t, r, Skipped)
	if !strings.Contains(r.Reason, "Firefox") {
		t.Errorf("reason = %q", r.Reason)
	}
}

func TestNSSCheckFailureIsReported(t *testing.T) {
	c, f, env, dir := legacyNSS(t)
	f.Expect(cmd("/usr/bin/certutil", "-V", "-d", "sql:"+dir, "-u", "L", "-n", c.UniqueName()).
		Returns("certutil: function failed: SEC_ERROR_BAD_DATABASE: security library: bad database.", errExit1))
	r := one(t, (&nssStore{env: env, ca: c}).Install(context.Background()))
	wantState(t, r, Failed)
	if !strings.Contains(r.Output, "SEC_ERROR_BAD_DATABASE") {
		t.Errorf("output = %q", r.Output)
	}
}

func TestProfilesINI(t *testing.T) {
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "profiles.ini"), "; comment\n[Install4F96D1932A9F858E]\nDefault=a.default\n\n"+
		"[Profile1]\nName=b\nIsRelative=0\nPath=/opt/p/b\n\n[Profile0]\nName=a\nIsRelative=1\nPath=a.default\n\n[General]\nVersion=2\n")
	got := profilesINI(root)
	want := []string{"/opt/p/b", filepath.Join(root, "a.default")}
	if !slices.Equal(got, want) {
		t.Errorf("profiles = %q, want %q", got, want)
	}
	if got := profilesINI(filepath.Join(root, "none")); got != nil {
		t.Errorf("missing ini gave %q", got)
	}
}
