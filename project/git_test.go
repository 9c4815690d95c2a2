package project

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"github.com/rtdev/rtdev/internal/run"
	"github.com/rtdev/rtdev/internal/run/runtest"
	"github.com/rtdev/rtdev/internal/testtool"
)

// fakeKey is key-shaped PEM made at run time, so no key text is in git.
var fakeKey = testtool.FakeKeyPEM()

// gitWorkTree makes a real repository at a fresh root, sealed from the
// machine's git configuration, and returns its layout and a git helper.
func gitWorkTree(t *testing.T) (Layout, func(args ...string)) {
	t.Helper()
	testtool.Need(t, "git")
	t.Setenv("GIT_CONFIG_GLOBAL", "/dev/null")
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	lay := NewLayout(filepath.Join(t.TempDir(), "my app"))
	if err := os.MkdirAll(lay.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", lay.Root, "-c", "user.name=t", "-c", "user.email=t@t"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	return lay, git
}

func put(t *testing.T, path, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestCheckGitRealWorkTree(t *testing.T) {
	r := run.ExecRunner()
	t.Run("ignored, nothing tracked", func(t *testing.T) {
		lay, _ := gitWorkTree(t)
		put(t, lay.GitIgnore, "/.rtdev/\n")
		put(t, lay.Key, fakeKey)
		h := CheckGit(t.Context(), r, lay)
		if h.Unavailable != nil || !h.InWorkTree || !h.DirIgnored || h.IgnoreErr != nil || len(h.Tracked) != 0 {
			t.Errorf("%+v", h)
		}
	})
	t.Run("tracked names with spaces and newlines", func(t *testing.T) {
		lay, git := gitWorkTree(t)
		// Committed before the ignore rule: .gitignore does not untrack.
		put(t, filepath.Join(lay.Dir, "my key.pem"), fakeKey)
		put(t, lay.Cert, "-----BEGIN CERTIFICATE-----\n")
		put(t, filepath.Join(lay.Root, "certs", "server\nold.key"), fakeKey)
		put(t, filepath.Join(lay.Root, "public cert.pem"), "-----BEGIN CERTIFICATE-----\n")
		git("add", "-A")
		put(t, lay.GitIgnore, ".rtdev/\n")
		h := CheckGit(t.Context(), r, lay)
		if !h.InWorkTree || !h.DirIgnored {
			t.Fatalf("%+v", h)
		}
		var secrets []string
		for _, f := range h.Tracked {
			if f.Secret {
				secrets = append(secrets, f.Path)
			}
		}
		if want := []string{".rtdev/cert.pem", ".rtdev/my key.pem"}; !slices.Equal(h.TrackedIn(), want) {
			t.Errorf("tracked in .rtdev/ = %q, want %q", h.TrackedIn(), want)
		}
		if want := []string{".rtdev/my key.pem", "certs/server\nold.key"}; !slices.Equal(secrets, want) {
			t.Errorf("tracked secrets = %q, want %q (not the certificates)", secrets, want)
		}
	})
	t.Run("not ignored", func(t *testing.T) {
		lay, _ := gitWorkTree(t)
		put(t, lay.GitIgnore, "node_modules/\n")
		if h := CheckGit(t.Context(), r, lay); h.DirIgnored || h.IgnoreErr != nil {
			t.Errorf("%+v", h)
		}
	})
	t.Run("not a work tree", func(t *testing.T) {
		testtool.Need(t, "git")
		t.Setenv("GIT_CEILING_DIRECTORIES", os.TempDir())
		h := CheckGit(t.Context(), r, NewLayout(t.TempDir()))
		if h.Unavailable != nil || h.InWorkTree {
			t.Errorf("%+v", h)
		}
	})
}

func TestGitNotIgnored(t *testing.T) {
	lay, _ := gitWorkTree(t)
	put(t, lay.GitIgnore, "*-key.pem\n")
	r := run.ExecRunner()
	if GitNotIgnored(t.Context(), r, filepath.Join(lay.Root, "localhost-key.pem")) {
		t.Error("an ignored key was reported as not ignored")
	}
	put(t, filepath.Join(lay.Root, "sub dir", "server.pem"), fakeKey)
	if !GitNotIgnored(t.Context(), r, filepath.Join(lay.Root, "sub dir", "server.pem")) {
		t.Error("a key that git would add was reported as ignored")
	}
	t.Setenv("GIT_CEILING_DIRECTORIES", os.TempDir())
	if GitNotIgnored(t.Context(), r, filepath.Join(t.TempDir(), "k.pem")) {
		t.Error("a file outside any work tree was reported as not ignored")
	}
}

func TestCheckGitWithoutGit(t *testing.T) {
	lay := NewLayout(t.TempDir())
	f := runtest.New(t, nil, runtest.Cmd("git", "-C", lay.Root, "rev-parse", "--is-inside-work-tree").Returns("", exec.ErrNotFound))
	if h := CheckGit(t.Context(), f, lay); h.Unavailable == nil || h.InWorkTree {
		t.Errorf("%+v", h)
	}
	f = runtest.New(t, nil,
		runtest.Cmd("git", "-C", lay.Root, "rev-parse", "--is-inside-work-tree").Returns("true\n", nil),
		runtest.Cmd("git", "-C", lay.Root, "check-ignore", "-q", "--no-index", "--", ".rtdev/").Returns("fatal: bad\n", runtest.Exit(128)),
		runtest.Cmd("git", "-C", lay.Root, "ls-files", "-z", "--", ".rtdev", "*.pem", "*.key", "*.p12", "*.pfx").Returns("", nil))
	if h := CheckGit(t.Context(), f, lay); h.IgnoreErr == nil || !h.InWorkTree {
		t.Errorf("%+v", h)
	}
}

func TestGitTracks(t *testing.T) {
	lay, git := gitWorkTree(t)
	r := run.ExecRunner()
	put(t, filepath.Join(lay.Root, ".env"), "A=1\n")
	if GitTracks(t.Context(), r, lay.Root, ".env") {
		t.Fatal("an untracked .env counts as tracked")
	}
	git("add", ".env")
	if !GitTracks(t.Context(), r, lay.Root, ".env") {
		t.Fatal("a tracked .env counts as untracked")
	}
	if GitTracks(t.Context(), r, t.TempDir(), ".env") {
		t.Fatal("outside a work tree nothing is tracked")
	}
}
