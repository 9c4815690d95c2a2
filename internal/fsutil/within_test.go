package fsutil

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWithin(t *testing.T) {
	for _, tc := range []struct {
		root, path string
		want       bool
	}{
		{"/a/b", "/a/b", true},
		{"/a/b", "/a/b/c/d", true},
		{"/a/b", "/a/bc", false},
		{"/a/b", "/a", false},
		{"/a/b", "/a/b/../c", false},
		{"/a/b", "/x/..b", false},
		{"/a/b", "/a/b/..c", true},
	} {
		if got := Within(tc.root, filepath.Clean(tc.path)); got != tc.want {
			t.Errorf("Within(%s, %s) = %v, want %v", tc.root, tc.path, got, tc.want)
		}
	}
}

func TestResolveFollowsLinks(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real")
	if err := os.Mkdir(real, 0o700); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	if Resolve(link) != Resolve(real) || !Within(Resolve(real), Resolve(filepath.Join(link, "x"))) {
		t.Fatalf("Resolve(%s) = %s, want %s", link, Resolve(link), Resolve(real))
	}
}
