package cmd

import (
	"strings"

	"github.com/rtdev/rtdev/internal/shell"
)

// cmdline is an rtdev command as the user can paste it into a shell, each
// argument quoted where it needs it.
func (a *app) cmdline(args ...string) string {
	q := make([]string, 0, len(args)+1)
	q = append(q, "rtdev")
	for _, s := range args {
		q = append(q, shell.Quote(s))
	}
	return strings.Join(q, " ")
}
