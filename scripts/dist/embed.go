package main

import (
	"errors"
	"fmt"
	gobuild "go/build"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// embedRoots returns every file and folder, relative to root, that a
// //go:embed directive in the module names, read by go/build as the
// compiler reads it for each release target (a directive in a
// windows-only file counts). A folder stands for everything under it. Test
// files, testdata, nested modules and folders the go command skips (".",
// "_") are left out: none of them reach a release binary.
func embedRoots(root string) ([]string, error) {
	var roots []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if p != root {
			name := d.Name()
			if strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "node_modules" {
				return filepath.SkipDir
			}
			if _, err := os.Stat(filepath.Join(p, "go.mod")); err == nil {
				return filepath.SkipDir
			}
		}
		for _, t := range Targets {
			ctxt := gobuild.Default
			ctxt.GOOS, ctxt.GOARCH, ctxt.CgoEnabled = t.OS, t.Arch, false
			pkg, err := ctxt.ImportDir(p, 0)
			var noGo *gobuild.NoGoError
			if errors.As(err, &noGo) {
				continue
			}
			if err != nil {
				return fmt.Errorf("read the //go:embed directives in %s: %w", p, err)
			}
			for _, pat := range pkg.EmbedPatterns {
				// The go command's patterns are path.Match globs,
				// as filepath.Glob's on the Unix hosts releases are
				// built on; "all:" only changes which files of a
				// folder are taken.
				matches, err := filepath.Glob(filepath.Join(p, filepath.FromSlash(strings.TrimPrefix(pat, "all:"))))
				if err != nil {
					return fmt.Errorf("%s: //go:embed %s: %w", p, pat, err)
				}
				for _, m := range matches {
					rel, err := filepath.Rel(root, m)
					if err != nil {
						return err
					}
					roots = append(roots, filepath.ToSlash(rel))
				}
			}
		}
		return nil
	})
	slices.Sort(roots)
	return slices.Compact(roots), err
}

// checkEmbeds refuses a tree in which git does not track a file under an
// embedded folder or one an embed glob matches: the build takes such files
// from disk into every release binary (a folder's dot and underscore files
// only under "all:", but a renamed one or a new directive would take them
// too, so the whole folder must be clean). The error lists the files and
// the git clean commands that show and remove them.
func checkEmbeds(root string) error {
	roots, err := embedRoots(root)
	if err != nil {
		return err
	}
	if len(roots) == 0 {
		return nil
	}
	stray, err := untrackedFiles(root, false, roots...)
	if err != nil || len(stray) == 0 {
		return err
	}
	// The clean commands name the embedded folders (or files) that hold
	// the strays, not every stray: git clean -d shows an untracked
	// folder as one line.
	var dirs []string
	for _, f := range stray {
		for _, r := range roots {
			if f == r || strings.HasPrefix(f, r+"/") {
				dirs = append(dirs, r)
				break
			}
		}
	}
	slices.Sort(dirs)
	dirs = slices.Compact(dirs)
	where := strings.Join(dirs, " ")
	return fmt.Errorf("these files are under what //go:embed builds into the binary, but git does not track them (untracked or ignored); a release holds only what is committed:\n  %s\n"+
		"see them:    git clean -n -d -x -- %s\n"+
		"remove them: git clean -f -d -x -- %s (or git add the ones that belong), then run make dist again",
		strings.Join(stray, "\n  "), where, where)
}
