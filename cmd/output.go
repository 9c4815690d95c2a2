package cmd

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/rtdev/rtdev/internal/textsafe"
	"github.com/rtdev/rtdev/internal/ui"
)

// writeJSON prints v as the one JSON document a --json command emits.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// status prints human progress lines to ErrOut, styled on a terminal.
type status struct {
	ios *ui.IOStreams
	st  ui.Styles
	// quiet drops every line (--json prints only the document).
	quiet bool
	// asRun names each rtdev command as the user can run it (app.asRun).
	asRun func(string) string
}

func newStatus(ios *ui.IOStreams, quiet bool) *status {
	return &status{ios: ios, st: ios.StylesErr(), quiet: quiet, asRun: func(s string) string { return s }}
}

// newStatus is the status printer for a's streams and program name.
func (a *app) newStatus(quiet bool) *status {
	s := newStatus(a.io, quiet)
	s.asRun = a.asRun
	return s
}

// line prints "<mark> <text>"; kind is "ok", "warn", "error" or "info".
func (s *status) line(kind, format string, args ...any) {
	if s.quiet {
		return
	}
	// The text can hold names from a committed rtdev.toml or a peer:
	// escaped, so none of it reaches the terminal as a control sequence.
	fmt.Fprintf(s.ios.ErrOut, "%s %s\n", s.st.Mark(kind), textsafe.Terminal(s.asRun(fmt.Sprintf(format, args...))))
}

// detail prints an indented, muted continuation line.
func (s *status) detail(format string, args ...any) {
	if s.quiet {
		return
	}
	fmt.Fprintf(s.ios.ErrOut, "  %s\n", s.st.Muted.Render(textsafe.Terminal(s.asRun(fmt.Sprintf(format, args...)))))
}

// next prints the suggested next command.
func (s *status) next(cmdline, why string) {
	if s.quiet {
		return
	}
	fmt.Fprintf(s.ios.ErrOut, "\n%s %s  %s\n", s.st.Title.Render("next:"), s.st.Code.Render(s.asRun(cmdline)), s.st.Muted.Render(why))
}
