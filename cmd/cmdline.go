package cmd

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/rtdev/rtdev/internal/shell"
)

// selfCommand is how the user can run this rtdev again: "rtdev" when that
// name on PATH is this very program, else the path it was started by (as
// ./bin/rtdev after make run, or the npm package's binary), which works
// where "rtdev" would say "command not found".
func selfCommand(arg0 string, lookPath func(string) (string, error), executable func() (string, error)) string {
	if onPath, err := lookPath("rtdev"); err == nil {
		if self, err := executable(); err == nil && sameFile(onPath, self) {
			return "rtdev"
		}
	}
	if arg0 == "" || !strings.ContainsRune(arg0, filepath.Separator) {
		return "rtdev" // run by a name PATH found: typing it again works
	}
	return shell.Quote(arg0)
}

func sameFile(a, b string) bool {
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

// systemSelf is selfCommand for this process.
func systemSelf() string {
	arg0 := ""
	if len(os.Args) > 0 {
		arg0 = os.Args[0]
	}
	return selfCommand(arg0, exec.LookPath, os.Executable)
}

// cmdline is an rtdev command as the user can paste it into a shell: the
// program as they can run it, then each argument quoted where it needs it.
func (a *app) cmdline(args ...string) string {
	q := make([]string, 0, len(args)+1)
	q = append(q, a.selfName())
	for _, s := range args {
		q = append(q, shell.Quote(s))
	}
	return strings.Join(q, " ")
}

func (a *app) selfName() string {
	if a.self == "" {
		return "rtdev"
	}
	return a.self
}

// asRun rewrites every rtdev command named in text ("rtdev init", "run
// \"rtdev trust install\"") to run as this program was started. Hints are
// written in the libraries as plain "rtdev ..." text; every line a user
// reads (status lines, errors and hints, doctor's fixes) passes through
// here, so each names a command that works as printed. With rtdev on PATH
// it changes nothing.
func (a *app) asRun(text string) string {
	self := a.selfName()
	if self == "rtdev" || !strings.Contains(text, "rtdev ") {
		return text
	}
	return a.commandPattern().ReplaceAllStringFunc(text, func(m string) string {
		i := strings.Index(m, "rtdev ")
		return m[:i] + self + m[i+len("rtdev"):]
	})
}

// commandPattern matches "rtdev SUBCOMMAND" as a command, not as part of a
// word or a path (rtdev.toml, /rtdev/, .rtdev/).
func (a *app) commandPattern() *regexp.Regexp {
	a.patternOnce.Do(func() {
		a.pattern = regexp.MustCompile(`(^|[\s"'` + "`" + `(=:])rtdev (` + strings.Join(subcommandNames, "|") + `)\b`)
	})
	return a.pattern
}

// subcommandNames are rtdev's commands, for commandPattern; a test keeps
// the list equal to the commands newRootCmd adds.
var subcommandNames = []string{"init", "cert", "ca", "serve", "proxy", "trust", "snippet", "env", "doctor", "version", "completion"}

// patternState is the lazily built commandPattern, per app.
type patternState struct {
	patternOnce sync.Once
	pattern     *regexp.Regexp
}
