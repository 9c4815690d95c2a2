package main

import (
	"context"
	"fmt"
	"strings"

	extrun "github.com/rtdev/rtdev/internal/run"
)

// What a release holds is decided by git, not by the folder: a key, a .env
// or a notes file left in an embedded folder or in npm/rtdev is on disk but
// in no commit, and must not ship to every user. Ignored files are the
// likeliest (*.pem and .rtdev/ are ignored precisely because they hold
// keys), so "untracked" here always includes ignored.

// gitLines runs git in dir through the one runner rtdev uses for external
// commands and splits its -z output: NUL-terminated paths, never quoted,
// relative to dir (git-ls-files(1)). The runner returns stderr with
// stdout, so a warning git printed on success would read as a path: the
// callers then fail or refuse naming it, never pass silently.
func gitLines(dir string, args ...string) ([]string, error) {
	out, err := extrun.ExecRunner().Run(context.Background(), "git", append([]string{"-C", dir}, args...), nil)
	if err != nil {
		if _, ran := extrun.ExitCode(err); !ran {
			return nil, fmt.Errorf("run git: %w (run it in a git clone of rtdev)", err)
		}
		return nil, fmt.Errorf("git %s: %w\n%s(run it in a git clone of rtdev)", strings.Join(args, " "), err, out)
	}
	var paths []string
	for _, p := range strings.Split(string(out), "\x00") {
		if p != "" {
			paths = append(paths, p)
		}
	}
	return paths, nil
}

// trackedFiles lists the files git tracks under dir, relative to root.
func trackedFiles(root, dir string) ([]string, error) {
	return gitLines(root, "ls-files", "-z", "--cached", "--", dir)
}

// untrackedFiles lists the files under paths that git does not track,
// ignored ones included (--others without --exclude-standard), relative
// to root. With exclude set, ignored files are left out.
func untrackedFiles(root string, exclude bool, paths ...string) ([]string, error) {
	args := []string{"ls-files", "-z", "--others"}
	if exclude {
		args = append(args, "--exclude-standard")
	}
	return gitLines(root, append(append(args, "--"), paths...)...)
}
