package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/rtdev/rtdev/internal/version"
)

// npmSource is the rtdev package (shim, binary lookup, Vite plugin) as
// committed; its version fields hold npmPlaceholder until packed.
const (
	npmSource      = "npm/rtdev"
	npmPlaceholder = "0.0.0-source"
)

// NodePlatform is t in Node's names (process.platform-process.arch), the
// suffix of its npm package: @rtdev/cli-linux-x64.
func (t Target) NodePlatform() string {
	goos, arch := t.OS, t.Arch
	if goos == "windows" {
		goos = "win32"
	}
	if arch == "amd64" {
		arch = "x64"
	}
	return goos + "-" + arch
}

// NPMPackage is the name of t's platform package.
func (t Target) NPMPackage() string { return "@rtdev/cli-" + t.NodePlatform() }

// platformManifest is a platform package's package.json. The os and cpu
// fields make npm install only the one for the machine; there are no
// scripts, and preferUnplugged makes Yarn PnP put the binary on disk,
// where it can be executed.
type platformManifest struct {
	Name            string   `json:"name"`
	Version         string   `json:"version"`
	Description     string   `json:"description"`
	Homepage        string   `json:"homepage"`
	Repository      string   `json:"repository"`
	OS              []string `json:"os"`
	CPU             []string `json:"cpu"`
	PreferUnplugged bool     `json:"preferUnplugged"`
	Files           []string `json:"files"`
}

// packNPM writes out/npm/*.tgz from the archives make dist left in out:
// one platform package per target with the archive's binary, and the
// rtdev package that lists all of them as optional dependencies. The
// version is the archives' own, so npm ships exactly what was released;
// each archive is checked against checksums.txt before it is unpacked.
func packNPM(out string, targets []Target, want string) error {
	v, sums, err := readChecksums(out, targets)
	if err != nil {
		return err
	}
	if want != "" && want != v {
		return fmt.Errorf("dist/ holds version %s, not %s: run make dist VERSION=%s first", v, want, want)
	}
	dest, err := filepath.Abs(filepath.Join(out, "npm"))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return err
	}
	// Tarballs of another version from an earlier run would be installed
	// by mistake by anyone globbing the folder.
	old, _ := filepath.Glob(filepath.Join(dest, "*.tgz"))
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			return err
		}
	}
	stage, err := os.MkdirTemp("", "rtdev-npm-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(stage)

	for _, t := range targets {
		name := t.Archive(v)
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			return err
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != sums[name] {
			return fmt.Errorf("%s does not match %s: run make dist again", name, ChecksumsFile)
		}
		bin, _, err := extract(t, data)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		dir := filepath.Join(stage, "cli-"+t.NodePlatform())
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		nodeOS, nodeCPU, _ := strings.Cut(t.NodePlatform(), "-")
		m := platformManifest{
			Name: t.NPMPackage(), Version: v,
			Description: "The rtdev binary for " + t.String() + "; install the rtdev package, which uses it.",
			Homepage:    "https://github.com/rtdev/rtdev", Repository: "github:rtdev/rtdev",
			OS: []string{nodeOS}, CPU: []string{nodeCPU}, PreferUnplugged: true, Files: []string{t.Binary()},
		}
		if err := writeManifest(filepath.Join(dir, "package.json"), m); err != nil {
			return err
		}
		readme := fmt.Sprintf("# %s\n\nThe rtdev %s binary for %s. Install `rtdev` (`npm install --save-dev rtdev`), which\ndepends on this package for this platform and runs its binary.\n", t.NPMPackage(), v, t)
		if err := writeFiles(dir, map[string][]byte{t.Binary(): bin, "README.md": []byte(readme)}); err != nil {
			return err
		}
		if err := npmPack(dir, dest); err != nil {
			return err
		}
	}

	main := filepath.Join(stage, "rtdev")
	if err := copyTracked(".", npmSource, main); err != nil {
		return err
	}
	if err := stampManifest(filepath.Join(main, "package.json"), v); err != nil {
		return err
	}
	return npmPack(main, dest)
}

// readChecksums finds the version of the archives in checksums.txt and
// returns it with the SHA-256 of each archive listed.
func readChecksums(out string, targets []Target) (string, map[string]string, error) {
	data, err := os.ReadFile(filepath.Join(out, ChecksumsFile))
	if err != nil {
		return "", nil, fmt.Errorf("%w: run make dist first", err)
	}
	sums := map[string]string{}
	v := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			continue
		}
		sums[name] = sum
		for _, t := range targets {
			// The version is what sits between "rtdev_" and the
			// target's "_OS_ARCH.ext".
			tail := strings.TrimPrefix(t.Archive(""), "rtdev_")
			found, ok := strings.CutSuffix(strings.TrimPrefix(name, "rtdev_"), tail)
			if ok && strings.HasPrefix(name, "rtdev_") {
				if v != "" && v != found {
					return "", nil, fmt.Errorf("%s lists versions %s and %s", ChecksumsFile, v, found)
				}
				v = found
			}
		}
	}
	if v == "" {
		return "", nil, fmt.Errorf("%s lists no archive for %v: run make dist first", ChecksumsFile, targets)
	}
	if _, err := version.Parse(v); err != nil {
		return "", nil, err
	}
	for _, t := range targets {
		if _, ok := sums[t.Archive(v)]; !ok {
			return "", nil, fmt.Errorf("dist/ has no %s: run make dist (DIST_TARGETS=%s for it alone)", t.Archive(v), t)
		}
	}
	return v, sums, nil
}

// stampManifest puts v in place of npmPlaceholder in the rtdev package's
// package.json, keeping its layout, and checks that every version in it
// (its own and each platform package's) is then v.
func stampManifest(path, v string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	data = bytes.ReplaceAll(data, []byte(`"`+npmPlaceholder+`"`), []byte(`"`+v+`"`))
	var m struct {
		Version              string            `json:"version"`
		OptionalDependencies map[string]string `json:"optionalDependencies"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	var names []string
	for name, dep := range m.OptionalDependencies {
		if dep != v {
			return fmt.Errorf("%s: %s is at %s, not %s", npmSource, name, dep, v)
		}
		names = append(names, name)
	}
	var all []string
	for _, t := range Targets {
		all = append(all, t.NPMPackage())
	}
	slices.Sort(names)
	slices.Sort(all)
	if m.Version != v || !slices.Equal(names, all) {
		return fmt.Errorf("%s/package.json: version %q and optionalDependencies %v must be %s and %v", npmSource, m.Version, names, v, all)
	}
	return os.WriteFile(path, data, 0o644)
}

func writeManifest(path string, m any) error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// writeFiles writes each file into dir, executables (rtdev, rtdev.exe)
// with mode 0755, which npm pack keeps in the tarball.
func writeFiles(dir string, files map[string][]byte) error {
	for name, data := range files {
		mode := os.FileMode(0o644)
		if strings.HasPrefix(name, "rtdev") {
			mode = 0o755
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, mode); err != nil {
			return err
		}
	}
	return nil
}

// copyTracked copies the files git tracks under src (relative to root)
// into dst, as they are in the working tree: npm pack then sees nothing
// else, whatever package.json's files list or an .npmignore would let in
// (an ignored lib/.rtdev/key.pem or bin/.env was packed before). Files
// that are untracked but not ignored, likely new ones not yet added, are
// named as left out.
func copyTracked(root, src, dst string) error {
	files, err := trackedFiles(root, src)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return fmt.Errorf("git tracks no files under %s: run make npm in a clone of the repository", src)
	}
	for _, f := range files {
		rel, err := filepath.Rel(src, filepath.FromSlash(f))
		if err != nil {
			return err
		}
		p := filepath.Join(root, filepath.FromSlash(f))
		info, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("%s is tracked by git but cannot be read (git checkout -- %s, or git rm it): %w", f, f, err)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(out, data, info.Mode().Perm()); err != nil {
			return err
		}
	}
	left, err := untrackedFiles(root, true, src)
	if err != nil {
		return err
	}
	for _, f := range left {
		fmt.Fprintf(os.Stderr, "dist: left %s out of the rtdev package: git does not track it (git add it to ship it)\n", f)
	}
	return nil
}

// npmPack runs npm pack in dir with the tarball written to dest. Packing a
// folder reads nothing from the registry.
func npmPack(dir, dest string) error {
	cmd := exec.Command("npm", "pack", "--pack-destination", dest, "--loglevel=error", "--ignore-scripts")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = os.Stderr, &stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) || stderr.Len() > 0 {
			return fmt.Errorf("npm pack in %s: %v\n%s", dir, err, stderr.String())
		}
		return fmt.Errorf("npm pack: %w (is npm installed?)", err)
	}
	return nil
}
