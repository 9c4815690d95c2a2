package main

import (
	"github.com/rtdev/rtdev/internal/testtool"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The folders and files this module embeds, read from its //go:embed
// directives: the check page's assets, the snippet templates (a glob, so
// each match) and the onboarding script.
func TestEmbedRootsOfThisModule(t *testing.T) {
	root := moduleRoot(t)
	roots, err := embedRoots(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"devserver/checkpage/assets", "templates/onboard.sh.tmpl", "templates/snippets/vite.tmpl"} {
		if !slices.Contains(roots, want) {
			t.Errorf("embedRoots = %v, lacks %s", roots, want)
		}
	}
	for _, r := range roots {
		if strings.Contains(r, "testdata") || strings.HasSuffix(r, "_test.go") {
			t.Errorf("embedRoots has %s, which no release binary embeds", r)
		}
		if _, err := os.Stat(filepath.Join(root, r)); err != nil {
			t.Errorf("embedRoots has %s: %v", r, err)
		}
	}
}

// A directive counts in a file only one release target builds: the check
// is for every archive, not the machine make dist runs on. Test files do
// not count.
func TestEmbedRootsEveryTarget(t *testing.T) {
	dir := t.TempDir()
	writeTestFiles(t, dir, map[string]string{
		"go.mod":                    "module example.com/m\n\ngo 1.22\n",
		"win/win.go":                "//go:build windows\n\npackage win\n\nimport \"embed\"\n\n//go:embed \"win assets\" all:extra\nvar FS embed.FS\n",
		"win/other.go":              "package win\n",
		"win/win assets/a.txt":      "a",
		"win/extra/.b":              "b",
		"plain/p_test.go":           "package plain\n\nimport _ \"embed\"\n\n//go:embed fixture.txt\nvar s string\n",
		"plain/p.go":                "package plain\n",
		"plain/fixture.txt":         "x",
		"nested/go.mod":             "module example.com/nested\n",
		"nested/n.go":               "package nested\n\nimport _ \"embed\"\n\n//go:embed n.txt\nvar s string\n",
		"nested/n.txt":              "n",
		"plain/testdata/t.go":       "package t\n\nimport _ \"embed\"\n\n//go:embed t.txt\nvar s string\n",
		"plain/testdata/t.txt":      "t",
		"win/win assets/sub/c.text": "c",
	})
	roots, err := embedRoots(dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"win/extra", "win/win assets"}; !slices.Equal(roots, want) {
		t.Errorf("embedRoots = %q, want %q", roots, want)
	}
}

// make dist refuses a tree with a file git does not track under an embedded
// folder (an ignored key, an untracked note) or matching an embed glob (a
// new snippet never added), names each file and the git clean commands,
// and writes no archive. The printed commands, run, show and remove
// exactly those files.
func TestDistRefusesUntrackedEmbeds(t *testing.T) {
	clone := filepath.Join(t.TempDir(), "rtdev")
	worktreeCopy(t, clone)
	strays := []string{
		"devserver/checkpage/assets/.rtdev/key.pem", // ignored (.rtdev/, *.pem)
		"devserver/checkpage/assets/notes.txt",      // untracked
		"templates/snippets/draft.tmpl",             // untracked, matches snippets/*.tmpl
	}
	writeTestFiles(t, clone, map[string]string{strays[0]: testtool.FakeKeyPEM(), strays[1]: "notes", strays[2]: "{{.}}"})

	out := filepath.Join(t.TempDir(), "dist")
	stderr, err := runDist(t, clone, "-version", "1.2.3", "-out", out, "-targets", "linux/amd64")
	if err == nil {
		t.Fatalf("make dist with untracked files under embedded folders succeeded:\n%s", stderr)
	}
	for _, s := range strays {
		if !strings.Contains(stderr, "\n  "+s+"\n") {
			t.Errorf("the refusal does not name %s:\n%s", s, stderr)
		}
	}
	where := "devserver/checkpage/assets templates/snippets/draft.tmpl"
	var see, remove string
	for _, line := range strings.Split(stderr, "\n") {
		if c, ok := strings.CutPrefix(line, "see them:    "); ok {
			see = c
		}
		if c, ok := strings.CutPrefix(line, "remove them: "); ok {
			remove, _, _ = strings.Cut(c, " (")
		}
	}
	if see != "git clean -n -d -x -- "+where || remove != "git clean -f -d -x -- "+where {
		t.Fatalf("clean commands %q and %q, want git clean -n/-f -d -x -- %s:\n%s", see, remove, where, stderr)
	}
	if archives, _ := filepath.Glob(filepath.Join(out, "rtdev_*")); len(archives) > 0 {
		t.Errorf("refused, yet wrote %v", archives)
	}

	shown := gitIn(t, clone, see)
	for _, w := range []string{"devserver/checkpage/assets/.rtdev/", strays[1], strays[2]} {
		if !strings.Contains(shown, "Would remove "+w+"\n") {
			t.Errorf("%s does not show %s:\n%s", see, w, shown)
		}
	}
	gitIn(t, clone, remove)
	if err := checkEmbeds(clone); err != nil {
		t.Errorf("after %s: %v", remove, err)
	}
	for _, f := range []string{"devserver/checkpage/assets/index.html", "templates/snippets/vite.tmpl"} {
		if _, err := os.Stat(filepath.Join(clone, f)); err != nil {
			t.Errorf("%s removed a tracked file: %v", remove, err)
		}
	}
}
