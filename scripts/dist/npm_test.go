package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The Node names must be what process.platform and process.arch say, or
// the shim looks for a package npm never installs.
func TestNodePlatformNames(t *testing.T) {
	want := map[string]string{
		"linux/amd64": "@rtdev/cli-linux-x64", "linux/arm64": "@rtdev/cli-linux-arm64",
		"darwin/amd64": "@rtdev/cli-darwin-x64", "darwin/arm64": "@rtdev/cli-darwin-arm64",
		"windows/amd64": "@rtdev/cli-win32-x64", "windows/arm64": "@rtdev/cli-win32-arm64",
	}
	for _, tg := range Targets {
		if got := tg.NPMPackage(); got != want[tg.String()] {
			t.Errorf("%s: %s, want %s", tg, got, want[tg.String()])
		}
	}
}

// The committed package.json must list every platform package at the
// placeholder, so make npm can stamp one version into all of them.
func TestStampManifest(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", npmSource, "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "package.json")
	if err := os.WriteFile(p, src, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := stampManifest(p, "1.2.3"); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	if strings.Contains(string(got), npmPlaceholder) || strings.Count(string(got), `"1.2.3"`) != 1+len(Targets) {
		t.Errorf("stamped package.json:\n%s", got)
	}
}

func TestReadChecksumsNeedsTheArchive(t *testing.T) {
	dir := t.TempDir()
	sums := Checksums(map[string]string{Targets[0].Archive("1.2.3"): "00"})
	if err := os.WriteFile(filepath.Join(dir, ChecksumsFile), sums, 0o644); err != nil {
		t.Fatal(err)
	}
	v, _, err := readChecksums(dir, Targets[:1])
	if err != nil || v != "1.2.3" {
		t.Fatalf("readChecksums = %q, %v", v, err)
	}
	if _, _, err := readChecksums(dir, Targets[:2]); err == nil || !strings.Contains(err.Error(), "make dist") {
		t.Errorf("a target without its archive: %v, want the make dist hint", err)
	}
}
