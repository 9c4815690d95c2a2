package project

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/rtdev/rtdev/internal/run"
)

// keyPathspecs are the tracked files worth opening to look for a private
// key: the whole .rtdev/ folder and the usual key and bundle extensions.
// Git pathspec wildcards match across "/" (gitglossary, "pathspec").
var keyPathspecs = []string{DirName, "*.pem", "*.key", "*.p12", "*.pfx"}

// GitHygiene is what git says about a project's secrets: whether .rtdev/ is
// ignored and which key files are tracked. Each developer has their own CA
// and key, which must never reach a shared repository. init, cert and
// doctor all read it, so the three agree.
type GitHygiene struct {
	// Unavailable is why git could not run; nothing else was checked.
	Unavailable error
	// InWorkTree is false outside a git work tree; nothing else was
	// checked.
	InWorkTree bool
	// DirIgnored says whether the ignore rules cover .rtdev/, even if files
	// in it are already tracked. IgnoreErr is set when check-ignore failed,
	// and DirIgnored is then unknown.
	DirIgnored bool
	IgnoreErr  error
	// Tracked are the tracked files in .rtdev/ or with a key or bundle
	// extension, in git's order.
	Tracked []TrackedFile
}

// TrackedFile is one file git tracks that may hold a secret.
type TrackedFile struct {
	Path   string // relative to the project root, with "/"
	InDir  bool   // in .rtdev/
	Secret bool   // a private key, a PKCS#12 bundle or its password
}

// CheckGit asks git, through r, about the project at lay.Root.
func CheckGit(ctx context.Context, r run.Runner, lay Layout) GitHygiene {
	var h GitHygiene
	out, err := git(ctx, r, lay.Root, "rev-parse", "--is-inside-work-tree")
	if _, ran := run.ExitCode(err); err != nil && !ran {
		h.Unavailable = err
		return h
	}
	if err != nil || strings.TrimSpace(string(out)) != "true" {
		return h // git ran and said no (status 128 outside a work tree)
	}
	h.InWorkTree = true
	// --no-index: answer from the ignore rules alone, even for files that
	// are already tracked (git-check-ignore(1)).
	h.DirIgnored, h.IgnoreErr = checkIgnore(ctx, r, lay.Root, DirName+"/", "--no-index")

	// -z: paths are NUL-terminated and never quoted, so a name with a
	// space or a newline comes back whole (git-ls-files(1)).
	listed, err := git(ctx, r, lay.Root, append([]string{"ls-files", "-z", "--"}, keyPathspecs...)...)
	if err != nil {
		return h
	}
	for _, rel := range strings.Split(string(listed), "\x00") {
		if rel == "" {
			continue
		}
		h.Tracked = append(h.Tracked, TrackedFile{
			Path:   rel,
			InDir:  strings.HasPrefix(rel, DirName+"/"),
			Secret: isSecret(filepath.Join(lay.Root, filepath.FromSlash(rel))),
		})
	}
	return h
}

// TrackedIn lists the tracked paths in .rtdev/, whatever they hold.
func (h GitHygiene) TrackedIn() []string {
	var out []string
	for _, f := range h.Tracked {
		if f.InDir {
			out = append(out, f.Path)
		}
	}
	return out
}

// GitNotIgnored reports whether file lies in a git work tree that does not
// ignore it; a tracked file counts as not ignored. Without git, or outside
// a work tree, the answer is false: there is nothing to warn about.
func GitNotIgnored(ctx context.Context, r run.Runner, file string) bool {
	abs, err := filepath.Abs(file)
	if err != nil {
		return false
	}
	ignored, err := checkIgnore(ctx, r, filepath.Dir(abs), abs)
	return err == nil && !ignored
}

// GitTracks reports whether git tracks the file at rel (relative to root,
// with "/"). Without git, or outside a work tree, the answer is false.
func GitTracks(ctx context.Context, r run.Runner, root, rel string) bool {
	// :(literal): the name is a path, never a pattern (gitglossary).
	out, err := git(ctx, r, root, "ls-files", "-z", "--", ":(literal)"+rel)
	return err == nil && len(bytes.TrimRight(out, "\x00")) > 0
}

// checkIgnore runs git check-ignore -q on p from dir. It answers with its
// status: 0 ignored, 1 not ignored, 128 for an error such as a folder
// outside any work tree.
func checkIgnore(ctx context.Context, r run.Runner, dir, p string, flags ...string) (bool, error) {
	args := append(append([]string{"check-ignore", "-q"}, flags...), "--", p)
	_, err := git(ctx, r, dir, args...)
	switch code, _ := run.ExitCode(err); {
	case err == nil:
		return true, nil
	case code == 1:
		return false, nil
	default:
		return false, err
	}
}

// git runs git in dir; -C rather than a working directory, so the runner
// stays the same for every command.
func git(ctx context.Context, r run.Runner, dir string, args ...string) ([]byte, error) {
	out, err := r.Run(ctx, "git", append([]string{"-C", dir}, args...), nil)
	if err != nil {
		if _, ran := run.ExitCode(err); ran {
			return out, fmt.Errorf("git %s: %w", args[0], err)
		}
		return out, fmt.Errorf("run git: %w", err)
	}
	return out, nil
}

// isSecret reports whether the file at p is a private key or a bundle that
// carries one (PKCS#12), or the PKCS#12 password rtdev keeps.
func isSecret(p string) bool {
	switch strings.ToLower(filepath.Ext(p)) {
	case ".p12", ".pfx":
		return true
	}
	if filepath.Base(p) == filepath.Base(NewLayout("").P12Pass) {
		return true
	}
	data, err := os.ReadFile(p)
	return err == nil && bytes.Contains(data, []byte("PRIVATE KEY-----"))
}
