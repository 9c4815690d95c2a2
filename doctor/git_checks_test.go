package doctor

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/rtdev/rtdev/internal/run"
	"github.com/rtdev/rtdev/internal/run/runtest"
	"github.com/rtdev/rtdev/internal/testtool"
	"github.com/rtdev/rtdev/project"
)

// execGit is the runner cmd passes: real git.
var execGit = run.ExecRunner()

// gitRepo makes a real repository with a project certificate set in it.
func gitRepo(t *testing.T) (project.Layout, func(args ...string)) {
	t.Helper()
	testtool.Need(t, "git")
	p := newProject(t, fakeSystem{hostname: "devbox"}, project.Defaults())
	lay := p.opts.Layout
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-C", lay.Root, "-c", "user.name=t", "-c", "user.email=t@t"}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	return lay, git
}

func TestCheckGit(t *testing.T) {
	t.Setenv("GIT_CONFIG_GLOBAL", "/dev/null")
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")

	t.Run("ignored, nothing tracked", func(t *testing.T) {
		lay, _ := gitRepo(t) // project.Ensure wrote the .gitignore line
		fs := checkGit(t.Context(), execGit, lay)
		mustFind(t, fs, IDGitOK)
		if p := problems(fs); len(p) != 0 {
			t.Errorf("problems %v", describe(fs))
		}
	})
	t.Run("not ignored", func(t *testing.T) {
		lay, _ := gitRepo(t)
		write(t, lay.GitIgnore, "node_modules/\n", 0o644)
		f := mustFind(t, checkGit(t.Context(), execGit, lay), IDGitNotIgnored)
		if f.Fix != "printf '/.rtdev/\\n' >> "+lay.GitIgnore {
			t.Errorf("fix %q", f.Fix)
		}
	})
	t.Run("key tracked", func(t *testing.T) {
		lay, git := gitRepo(t)
		// A key committed before the ignore rule, plus a copy elsewhere.
		git("add", "-f", ".rtdev/key.pem", ".rtdev/cert.pem")
		copyFile(t, lay.Key, filepath.Join(lay.Root, "server.key"))
		git("add", "server.key")
		fs := checkGit(t.Context(), execGit, lay)
		var tracked []string
		for _, f := range fs {
			if f.ID == IDGitKeyTracked {
				tracked = append(tracked, f.Subject)
			}
		}
		if len(tracked) != 2 || tracked[0] != ".rtdev/key.pem" || tracked[1] != "server.key" {
			t.Errorf("tracked keys %v, want .rtdev/key.pem and server.key (not the certificate); findings %v", tracked, describe(fs))
		}
		mustNotFind(t, fs, IDGitNotIgnored)
		mustNotFind(t, fs, IDGitOK)
	})
	t.Run("not a repository", func(t *testing.T) {
		testtool.Need(t, "git")
		lay := project.NewLayout(t.TempDir())
		f := mustFind(t, checkGit(t.Context(), execGit, lay), IDGitNotRepo)
		if f.Severity.Problem() {
			t.Errorf("%+v", f)
		}
	})
	t.Run("git missing", func(t *testing.T) {
		lay := project.NewLayout(t.TempDir())
		broken := runtest.New(t, nil, runtest.Cmd("git", "-C", lay.Root, "rev-parse", "--is-inside-work-tree").Returns("", exec.ErrNotFound))
		mustFind(t, checkGit(t.Context(), broken, lay), IDGitUnavailable)
	})
}
