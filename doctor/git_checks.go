package doctor

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"

	"github.com/rtdev/rtdev/internal/shell"
	"github.com/rtdev/rtdev/project"
)

// keyPathspecs are the tracked files worth opening to look for a private
// key: the whole .rtdev/ folder and the usual key and bundle extensions.
// Git pathspec wildcards match across "/" (gitglossary, "pathspec").
var keyPathspecs = []string{project.DirName, "*.pem", "*.key", "*.p12", "*.pfx"}

// checkGit checks that .rtdev/ is ignored and that no private key is
// tracked. Each developer has their own CA and key, which must never reach
// a shared repository.
func checkGit(ctx context.Context, git GitRunner, lay project.Layout) []Finding {
	root := lay.Root
	out, exit, err := git(ctx, root, "rev-parse", "--is-inside-work-tree")
	if err != nil {
		return []Finding{{ID: IDGitUnavailable, Severity: SeverityInfo, Subject: root,
			Message: "git could not run, so .gitignore and tracked keys were not checked: " + err.Error()}}
	}
	if exit != 0 || strings.TrimSpace(string(out)) != "true" {
		return []Finding{{ID: IDGitNotRepo, Severity: SeverityInfo, Subject: root,
			Message: "the project is not in a git work tree, so there is nothing to keep out of git"}}
	}

	var found []Finding
	// --no-index: answer from the ignore rules alone, even for files that
	// are already tracked (git-check-ignore(1)).
	dir := project.DirName + "/"
	switch _, exit, err := git(ctx, root, "check-ignore", "-q", "--no-index", "--", dir); {
	case err != nil || exit > 1:
		found = append(found, Finding{ID: IDGitUnavailable, Severity: SeverityInfo, Subject: lay.GitIgnore,
			Message: "git check-ignore failed, so the .gitignore rule was not checked"})
	case exit == 1:
		found = append(found, Finding{ID: IDGitNotIgnored, Severity: SeverityError, Subject: lay.GitIgnore,
			Message: dir + " is not ignored by git, so its private key can be committed by the next git add",
			Fix:     "printf '/" + dir + "\\n' >> " + shell.Quote(lay.GitIgnore)})
	}

	args := append([]string{"ls-files", "-z", "--"}, keyPathspecs...)
	if listed, exit, err := git(ctx, root, args...); err == nil && exit == 0 {
		for _, rel := range strings.Split(string(listed), "\x00") {
			if rel != "" && isSecret(filepath.Join(root, filepath.FromSlash(rel))) {
				found = append(found, Finding{ID: IDGitKeyTracked, Severity: SeverityError, Subject: rel,
					Message: rel + " holds a private key and is tracked by git; its history keeps it even after removal, so replace the key too",
					Fix:     "git rm --cached -- " + shell.Quote(rel),
					Details: map[string]any{"path": rel}})
			}
		}
	}
	if len(found) == 0 {
		found = append(found, Finding{ID: IDGitOK, Severity: SeverityOK, Subject: root,
			Message: dir + " is ignored by git and no private key is tracked"})
	}
	return found
}

// isSecret reports whether the file at path is a private key or a bundle
// that carries one (PKCS#12), or the PKCS#12 password rtdev keeps.
func isSecret(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".p12", ".pfx":
		return true
	}
	if filepath.Base(path) == filepath.Base(project.NewLayout("").P12Pass) {
		return true
	}
	data, err := os.ReadFile(path)
	return err == nil && bytes.Contains(data, []byte("PRIVATE KEY-----"))
}
