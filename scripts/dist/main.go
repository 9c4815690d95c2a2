package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/rtdev/rtdev/internal/fsutil"
	"github.com/rtdev/rtdev/internal/version"
)

// Targets are the platforms a release ships for.
var Targets = []Target{
	{"linux", "amd64"}, {"linux", "arm64"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
	{"windows", "amd64"}, {"windows", "arm64"},
}

// Target is one GOOS/GOARCH pair.
type Target struct{ OS, Arch string }

func (t Target) String() string { return t.OS + "/" + t.Arch }

// Binary is the executable's name inside the archive.
func (t Target) Binary() string {
	if t.OS == "windows" {
		return "rtdev.exe"
	}
	return "rtdev"
}

// Archive is the archive's file name, as the onboarding script builds it.
func (t Target) Archive(v string) string {
	ext := ".tar.gz"
	if t.OS == "windows" {
		ext = ".zip"
	}
	return "rtdev_" + v + "_" + t.OS + "_" + t.Arch + ext
}

// ChecksumsFile is goreleaser's default name for the SHA-256 list.
const ChecksumsFile = "checksums.txt"

// stampVar is the one variable the version is linked into.
const stampVar = version.ModulePath + "/internal/version.stamp"

func main() {
	var o options
	flag.StringVar(&o.version, "version", "", "release `VERSION` to stamp, such as 1.2.3 (make dist computes it)")
	flag.StringVar(&o.out, "out", "dist", "output `DIR`")
	targets := flag.String("targets", "", "comma list of GOOS/GOARCH (default: all "+strconv.Itoa(len(Targets))+")")
	npm := flag.Bool("npm", false, "pack the npm packages into OUT/npm from the archives already in OUT (make npm)")
	flag.Parse()
	var err error
	if o.targets, err = parseTargets(*targets); err == nil {
		if *npm {
			err = packNPM(o.out, o.targets, o.version)
		} else {
			err = run(o)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "dist:", err)
		os.Exit(1)
	}
}

type options struct {
	version string
	out     string
	targets []Target
}

func parseTargets(s string) ([]Target, error) {
	if s == "" {
		return Targets, nil
	}
	var ts []Target
	for _, f := range strings.Split(s, ",") {
		i := slices.IndexFunc(Targets, func(t Target) bool { return t.String() == f })
		if i < 0 {
			return nil, fmt.Errorf("target %q: use one of %v", f, Targets)
		}
		ts = append(ts, Targets[i])
	}
	return ts, nil
}

func run(o options) error {
	v, err := version.Parse(o.version)
	if err != nil {
		return fmt.Errorf("%w (make dist VERSION=1.2.3)", err)
	}
	if err := checkEmbeds("."); err != nil {
		return err
	}
	if err := os.MkdirAll(o.out, 0o755); err != nil {
		return err
	}
	// Archives of another version or target from an earlier run would end
	// up in checksums.txt; only what this run writes may.
	old, _ := filepath.Glob(filepath.Join(o.out, "rtdev_*"))
	for _, f := range append(old, filepath.Join(o.out, ChecksumsFile)) {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	readme, err := os.ReadFile("README.md")
	if err != nil {
		return fmt.Errorf("run from the repository root: %w", err)
	}
	tmp, err := os.MkdirTemp("", "rtdev-dist-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	sums := map[string]string{}
	for _, t := range o.targets {
		bin, err := build(t, v, tmp)
		if err != nil {
			return err
		}
		data, err := pack(t, []file{{t.Binary(), bin, 0o755}, {"README.md", readme, 0o644}})
		if err != nil {
			return fmt.Errorf("%s: %w", t, err)
		}
		if err := checkArchive(t, data); err != nil {
			return fmt.Errorf("%s: %w", t, err)
		}
		name := t.Archive(v)
		if err := fsutil.WriteFileAtomic(filepath.Join(o.out, name), data, 0o644); err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		sums[name] = hex.EncodeToString(sum[:])
		fmt.Fprintf(os.Stderr, "dist: %s/%s\n", o.out, name)
	}
	if err := fsutil.WriteFileAtomic(filepath.Join(o.out, ChecksumsFile), Checksums(sums), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "dist: %s/%s\n", o.out, ChecksumsFile)
	return nil
}

// build compiles rtdev for t and returns the binary. The environment is set
// in full for what changes the output: a developer's GOFLAGS (-race, tags),
// GOAMD64=v3 or GOEXPERIMENT would otherwise make a different binary.
func build(t Target, v, tmp string) ([]byte, error) {
	out := filepath.Join(tmp, t.OS+"_"+t.Arch, t.Binary())
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false", "-mod=readonly",
		"-ldflags", "-s -w -buildid= -X "+stampVar+"="+v, "-o", out, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+t.OS, "GOARCH="+t.Arch,
		"GOAMD64=v1", "GOARM64=v8.0", "GOFLAGS=", "GOEXPERIMENT=")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("go build for %s: %w", t, err)
	}
	return os.ReadFile(out)
}

// file is one archive member.
type file struct {
	name string
	data []byte
	mode int64
}

// modTime is every member's time, fixed (the job SOURCE_DATE_EPOCH does in
// reproducible-builds.org's convention) so the bytes never depend on when
// the archive was made. 2000-01-01 is inside zip's DOS date range.
var modTime = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// pack writes the members in the given order with fixed headers.
func pack(t Target, files []file) ([]byte, error) {
	var b bytes.Buffer
	if t.OS == "windows" {
		zw := zip.NewWriter(&b)
		for _, f := range files {
			h := &zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: modTime}
			h.SetMode(os.FileMode(f.mode))
			w, err := zw.CreateHeader(h)
			if err != nil {
				return nil, err
			}
			if _, err := w.Write(f.data); err != nil {
				return nil, err
			}
		}
		if err := zw.Close(); err != nil {
			return nil, err
		}
		return b.Bytes(), nil
	}
	// No name and a zero time in the gzip header (what gzip -n does).
	gz, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	tw := tar.NewWriter(gz)
	for _, f := range files {
		h := &tar.Header{
			Typeflag: tar.TypeReg, Name: f.name, Size: int64(len(f.data)), Mode: f.mode,
			ModTime: modTime, Uid: 0, Gid: 0, Uname: "root", Gname: "root",
			// USTAR has no access or change times to leak the build's clock.
			Format: tar.FormatUSTAR,
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := gz.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Checksums is checksums.txt as goreleaser writes it: "<sha256>  <file>"
// lines sorted by file name.
func Checksums(sums map[string]string) []byte {
	var b strings.Builder
	names := make([]string, 0, len(sums))
	for n := range sums {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintf(&b, "%s  %s\n", sums[n], n)
	}
	return []byte(b.String())
}

// checkArchive reads the archive back, as a user's tar or unzip would, and
// checks that its binary is an executable for t: a packing mistake must
// fail make dist, not a new developer's onboarding.
func checkArchive(t Target, data []byte) error {
	bin, mode, err := extract(t, data)
	if err != nil {
		return err
	}
	if mode&0o111 == 0 {
		return fmt.Errorf("%s is not executable (mode %o)", t.Binary(), mode)
	}
	return checkExecutable(t, bin)
}

// extract returns the binary's bytes and mode from an archive.
func extract(t Target, data []byte) ([]byte, os.FileMode, error) {
	if t.OS == "windows" {
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return nil, 0, err
		}
		for _, f := range zr.File {
			if f.Name == t.Binary() {
				rc, err := f.Open()
				if err != nil {
					return nil, 0, err
				}
				defer rc.Close()
				b, err := io.ReadAll(rc)
				return b, f.Mode().Perm(), err
			}
		}
		return nil, 0, fmt.Errorf("no %s in the archive", t.Binary())
	}
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, 0, err
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err != nil {
			return nil, 0, fmt.Errorf("no %s in the archive: %w", t.Binary(), err)
		}
		if h.Name == t.Binary() {
			b, err := io.ReadAll(tr)
			return b, os.FileMode(h.Mode).Perm(), err
		}
	}
}
