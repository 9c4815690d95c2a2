package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/internal/testtool"
)

func TestChecksumsLayout(t *testing.T) {
	got := string(Checksums(map[string]string{"rtdev_1.0.0_linux_arm64.tar.gz": "bb", "rtdev_1.0.0_darwin_amd64.tar.gz": "aa"}))
	want := "aa  rtdev_1.0.0_darwin_amd64.tar.gz\nbb  rtdev_1.0.0_linux_arm64.tar.gz\n"
	if got != want {
		t.Errorf("checksums.txt = %q, want %q (goreleaser's layout)", got, want)
	}
}

// The archive headers carry nothing of the machine or the moment: fixed
// time and owner, the mode given, members in the order given.
func TestPackFixedHeaders(t *testing.T) {
	self, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	host := Target{runtime.GOOS, runtime.GOARCH}
	if host.OS == "windows" {
		t.Skip("the tar.gz layout is checked on a Unix host")
	}
	files := []file{{host.Binary(), self, 0o755}, {"README.md", []byte("hi"), 0o644}}
	a, err := pack(host, files)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := pack(host, files)
	if !bytes.Equal(a, b) {
		t.Fatal("two packs of the same files differ")
	}
	if err := checkArchive(host, a); err != nil {
		t.Fatalf("check of a good archive: %v", err)
	}
	gz, err := gzip.NewReader(bytes.NewReader(a))
	if err != nil {
		t.Fatal(err)
	}
	if gz.Name != "" || !gz.ModTime.IsZero() {
		t.Errorf("gzip header has name %q, time %v", gz.Name, gz.ModTime)
	}
	tr := tar.NewReader(gz)
	var names []string
	for {
		h, err := tr.Next()
		if err != nil {
			break
		}
		names = append(names, h.Name)
		if !h.ModTime.Equal(modTime) || h.Uid != 0 || h.Gid != 0 || h.Uname != "root" || h.Format != tar.FormatUSTAR {
			t.Errorf("%s: header %+v", h.Name, h)
		}
	}
	if !slices.Equal(names, []string{host.Binary(), "README.md"}) {
		t.Errorf("members %v", names)
	}
}

// An archive whose binary is for another platform, or is not executable,
// fails make dist.
func TestCheckArchiveRefusesWrongBinary(t *testing.T) {
	self, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		t    Target
		mode int64
		want string
	}{
		{Target{"darwin", "arm64"}, 0o755, "not a Mach-O"},
		{Target{"windows", "amd64"}, 0o755, "not a PE"},
		{Target{"linux", map[string]string{"amd64": "arm64"}[runtime.GOARCH]}, 0o755, "the binary is for"},
		{Target{"linux", runtime.GOARCH}, 0o644, "not executable"},
	} {
		if runtime.GOOS != "linux" {
			t.Skip("the test binary is the ELF file these cases need")
		}
		data, err := pack(tc.t, []file{{tc.t.Binary(), self, tc.mode}})
		if err != nil {
			t.Fatal(err)
		}
		if err := checkArchive(tc.t, data); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s mode %o: err = %v, want %q", tc.t, tc.mode, err, tc.want)
		}
	}
}

// TestReproducible is the release's promise: make dist of one commit from
// two clone paths, each with an empty build cache, writes the same
// checksums.txt, and the archive's binary prints the stamped version. It
// builds only this machine's target (about a minute on two cores, so it
// runs in make test, CI included); make dist builds all six the same way.
func TestReproducible(t *testing.T) {
	host := Target{runtime.GOOS, runtime.GOARCH}
	if host.OS != "linux" || !slices.Contains(Targets, host) {
		t.Skipf("the run checks a linux release target, not %s", host)
	}
	testtool.Need(t, "make")
	// The code under test, copied to two different paths (a clone path
	// must leave no trace in the bytes), each a git work tree: make dist
	// asks git what it tracks.
	tmp := t.TempDir()
	var sums [][]byte
	for _, clone := range []string{filepath.Join(tmp, "a", "rtdev"), filepath.Join(tmp, "b", "deeper", "other-name")} {
		worktreeCopy(t, clone)
		cmd := exec.Command("make", "dist", "VERSION=1.2.3", "DIST_TARGETS="+host.String())
		cmd.Dir = clone
		// Not the outer make's jobserver (its descriptors are not open here).
		env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
			return strings.HasPrefix(kv, "MAKEFLAGS=") || strings.HasPrefix(kv, "MFLAGS=") || strings.HasPrefix(kv, "MAKELEVEL=")
		})
		cmd.Env = append(env, "GOCACHE="+filepath.Join(clone, ".gocache"), "GOFLAGS=-mod=readonly")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("make dist in %s: %v\n%s", clone, err, b)
		}
		sum, err := os.ReadFile(filepath.Join(clone, "dist", ChecksumsFile))
		if err != nil {
			t.Fatal(err)
		}
		sums = append(sums, sum)
	}
	if !bytes.Equal(sums[0], sums[1]) {
		t.Fatalf("checksums.txt differs between clone paths:\n%s\n%s", sums[0], sums[1])
	}
	if want := host.Archive("1.2.3"); !strings.HasSuffix(strings.TrimSpace(string(sums[0])), "  "+want) {
		t.Fatalf("checksums.txt = %q, want a line for %s", sums[0], want)
	}

	data, err := os.ReadFile(filepath.Join(tmp, "a", "rtdev", "dist", host.Archive("1.2.3")))
	if err != nil {
		t.Fatal(err)
	}
	bin, _, err := extract(host, data)
	if err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(tmp, "rtdev")
	if err := os.WriteFile(exe, bin, 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := exec.Command(exe, "version").Output()
	if err != nil || string(got) != "rtdev 1.2.3\n" {
		t.Fatalf("rtdev version = %q, %v; want the stamped \"rtdev 1.2.3\"", got, err)
	}
}
