package tlsserve

import (
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/rtdev/rtdev/internal/fsutil"
)

// StaticRootError is a --static folder that would expose secrets: it holds
// the project's .rtdev/ (the key), the CA folder, or a .git folder.
type StaticRootError struct {
	Root   string
	Holds  string // the secret folder inside Root
	Suffix string // a subfolder of Root to serve instead
}

func (e *StaticRootError) Error() string {
	return fmt.Sprintf("static folder %s holds %s, which must never be served", e.Root, e.Holds)
}

// Hint names a subfolder to serve instead.
func (e *StaticRootError) Hint() string {
	return "serve your app's own folder instead, for example --static " + e.Suffix
}

// staticSuggestions are the folders front-end tools put pages in, in the
// order they are suggested when present.
var staticSuggestions = []string{"public", "dist", "build", "static", "www"}

// StaticHandler serves the files under root for --static, and refuses at
// start a root that holds any of secrets (the project's .rtdev/ and the CA
// folder; a .git folder is always refused). Under the root, a path segment
// that starts with "." gets 404 (.env, .git, .rtdev), and symlinks that
// lead out of the root are not followed (os.Root), so a committed link to
// / cannot reach the CA key.
func StaticHandler(root string, secrets ...string) (http.Handler, error) {
	abs := fsutil.Resolve(root)
	if err := checkStaticRoot(abs, secrets); err != nil {
		return nil, err
	}
	r, err := os.OpenRoot(abs)
	if err != nil {
		return nil, fmt.Errorf("static folder: %w", err)
	}
	files := http.FileServerFS(staticFS{r.FS()})
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if hasDotSegment(req.URL.Path) {
			http.NotFound(w, req)
			return
		}
		files.ServeHTTP(w, req)
	}), nil
}

func checkStaticRoot(root string, secrets []string) error {
	holds := func(what string) error {
		return &StaticRootError{Root: root, Holds: what, Suffix: suggestSubfolder(root)}
	}
	if _, err := os.Lstat(filepath.Join(root, ".git")); err == nil {
		return holds(filepath.Join(root, ".git"))
	}
	for _, s := range secrets {
		if s == "" {
			continue
		}
		abs := fsutil.Resolve(s)
		if fsutil.Within(root, abs) {
			return holds(abs)
		}
	}
	return nil
}

func suggestSubfolder(root string) string {
	for _, s := range staticSuggestions {
		if fi, err := os.Stat(filepath.Join(root, s)); err == nil && fi.IsDir() {
			return filepath.Join(root, s)
		}
	}
	return filepath.Join(root, "public")
}

// hasDotSegment reports whether a URL path has a segment starting with ".",
// which static serving never answers: dotfiles are configuration and
// secrets (.env, .git, .rtdev), not pages.
func hasDotSegment(p string) bool {
	for _, seg := range strings.Split(p, "/") {
		if strings.HasPrefix(seg, ".") {
			return true
		}
	}
	return false
}

// staticFS is the static root as the file server sees it: a path that
// would leave the root (os.Root refuses it, even through a symlink) or that
// cannot be opened is simply not there (404, never 500), and directory
// listings leave out dotfiles.
type staticFS struct{ fsys fs.FS }

func (s staticFS) Open(name string) (fs.File, error) {
	f, err := s.fsys.Open(name)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	// Only a directory gets the listing wrapper. An *os.File has ReadDir
	// whatever it is, and the wrapper hides its Seek: http.ServeContent
	// then answers 500 "seeker can't seek" for a file whose type it sniffs
	// (LICENSE) and 416 for every Range request.
	d, ok := f.(fs.ReadDirFile)
	if !ok {
		return f, nil
	}
	if fi, err := f.Stat(); err != nil || !fi.IsDir() {
		return f, nil
	}
	return noDotDir{d}, nil
}

// noDotDir lists a directory without its dot entries.
type noDotDir struct{ fs.ReadDirFile }

func (d noDotDir) ReadDir(n int) ([]fs.DirEntry, error) {
	entries, err := d.ReadDirFile.ReadDir(n)
	kept := entries[:0]
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") {
			kept = append(kept, e)
		}
	}
	return kept, err
}
