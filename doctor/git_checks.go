package doctor

import (
	"context"

	"github.com/rtdev/rtdev/internal/run"
	"github.com/rtdev/rtdev/internal/shell"
	"github.com/rtdev/rtdev/project"
)

// checkGit turns project.CheckGit's answer into findings: .rtdev/ must be
// ignored and no private key tracked, because each developer has their own
// CA and key, which must never reach a shared repository.
func checkGit(ctx context.Context, git run.Runner, lay project.Layout) []Finding {
	root := lay.Root
	h := project.CheckGit(ctx, git, lay)
	if h.Unavailable != nil {
		return []Finding{{ID: IDGitUnavailable, Severity: SeverityInfo, Subject: root,
			Message: "git could not run, so .gitignore and tracked keys were not checked: " + h.Unavailable.Error()}}
	}
	if !h.InWorkTree {
		return []Finding{{ID: IDGitNotRepo, Severity: SeverityInfo, Subject: root,
			Message: "the project is not in a git work tree, so there is nothing to keep out of git"}}
	}

	var found []Finding
	dir := project.DirName + "/"
	switch {
	case h.IgnoreErr != nil:
		found = append(found, Finding{ID: IDGitUnavailable, Severity: SeverityInfo, Subject: lay.GitIgnore,
			Message: "git check-ignore failed, so the .gitignore rule was not checked"})
	case !h.DirIgnored:
		found = append(found, Finding{ID: IDGitNotIgnored, Severity: SeverityError, Subject: lay.GitIgnore,
			Message: dir + " is not ignored by git, so its private key can be committed by the next git add",
			Fix:     "printf '/" + dir + "\\n' >> " + shell.Quote(lay.GitIgnore)})
	}
	for _, f := range h.Tracked {
		if !f.Secret {
			continue
		}
		found = append(found, Finding{ID: IDGitKeyTracked, Severity: SeverityError, Subject: f.Path,
			Message: f.Path + " holds a private key and is tracked by git; its history keeps it even after removal, so replace the key too",
			Fix:     "git rm --cached -- " + shell.Quote(f.Path),
			Details: map[string]any{"path": f.Path}})
	}
	if len(found) == 0 {
		found = append(found, Finding{ID: IDGitOK, Severity: SeverityOK, Subject: root,
			Message: dir + " is ignored by git and no private key is tracked"})
	}
	return found
}
