package main

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/internal/testtool"
)

// moduleRoot is the repository root, where make runs scripts/dist.
func moduleRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// worktreeCopy copies the module's working tree to dst, every file git
// tracks or would track (untracked and not ignored) as it is on disk, so
// the code under test is what runs, and makes dst a git work tree with all
// of them added: a clone of the working tree, uncommitted changes and all.
func worktreeCopy(t *testing.T, dst string) {
	t.Helper()
	testtool.Need(t, "git")
	root := moduleRoot(t)
	files, err := gitLines(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(root, f))
		if os.IsNotExist(err) {
			continue // deleted in the working tree
		}
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := os.Stat(filepath.Join(root, f))
		p := filepath.Join(dst, f)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, fi.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}} {
		if _, err := gitLines(dst, args...); err != nil {
			t.Fatal(err)
		}
	}
}

// writeTestFiles writes each file (path relative to dir: contents).
func writeTestFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// runDist runs scripts/dist in dir as make does, and returns its stderr.
func runDist(t *testing.T, dir string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command("go", append([]string{"run", "./scripts/dist"}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// gitIn runs a printed git command line (no quoting in it) in dir.
func gitIn(t *testing.T, dir, line string) string {
	t.Helper()
	f := strings.Fields(line)
	if len(f) == 0 || f[0] != "git" {
		t.Fatalf("not a git command: %q", line)
	}
	cmd := exec.Command("git", f[1:]...)
	cmd.Dir = dir
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", line, err, b)
	}
	return string(b)
}

// make npm packs exactly the files git tracks under npm/rtdev: an ignored
// key and an untracked .env (both of which package.json's files list
// lets in) stay out, and so does a new file not yet added, which is named.
func TestNPMPacksOnlyTracked(t *testing.T) {
	testtool.Need(t, "npm")
	clone := filepath.Join(t.TempDir(), "rtdev")
	worktreeCopy(t, clone)
	writeTestFiles(t, clone, map[string]string{
		"npm/rtdev/lib/.rtdev/key.pem": testtool.FakeKeyPEM(),
		"npm/rtdev/bin/.env":           "TOKEN=s3cret\n",
		"npm/rtdev/lib/new.js":         "export {}\n",
	})
	tracked := gitIn(t, clone, "git ls-files npm/rtdev")

	// A release as make dist leaves it, for one target: the binary need
	// not run to be packed.
	out := t.TempDir()
	target := Target{"linux", "amd64"}
	data, err := pack(target, []file{{target.Binary(), []byte("#!/bin/sh\n"), 0o755}})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, target.Archive("1.2.3")), data, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if err := os.WriteFile(filepath.Join(out, ChecksumsFile), Checksums(map[string]string{target.Archive("1.2.3"): hex.EncodeToString(sum[:])}), 0o644); err != nil {
		t.Fatal(err)
	}
	stderr, err := runDist(t, clone, "-npm", "-out", out, "-targets", target.String())
	if err != nil {
		t.Fatalf("make npm: %v\n%s", err, stderr)
	}
	if !strings.Contains(stderr, "left npm/rtdev/lib/new.js out of the rtdev package: git does not track it") {
		t.Errorf("the new untracked file is not named:\n%s", stderr)
	}

	var want []string
	for _, f := range strings.Fields(tracked) {
		want = append(want, "package/"+strings.TrimPrefix(f, "npm/rtdev/"))
	}
	got := tarballMembers(t, filepath.Join(out, "npm", "rtdev-1.2.3.tgz"))
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("the rtdev tarball holds\n  %s\nwant the tracked files\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// tarballMembers lists the regular files in an npm tarball.
func tarballMembers(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var names []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			names = append(names, h.Name)
		}
	}
	return names
}
