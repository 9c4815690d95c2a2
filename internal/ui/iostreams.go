package ui

import (
	"bytes"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams is where a command reads and writes. Data goes to Out, human
// status to ErrOut, so `rtdev x --json | jq` and `rtdev env > file` stay clean.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	// InTTY reports whether In is an interactive terminal; commands never
	// prompt when it is false.
	InTTY bool
	// OutTTY and ErrTTY report whether decorations (colour, progress) may be
	// drawn on Out and ErrOut.
	OutTTY bool
	ErrTTY bool
	// NoColor is set by NO_COLOR (https://no-color.org) or TERM=dumb.
	NoColor bool
}

// System returns streams bound to the process's stdin, stdout and stderr,
// with terminal detection done once here and nowhere else.
func System(getenv func(string) string) *IOStreams {
	return &IOStreams{
		In:      os.Stdin,
		Out:     os.Stdout,
		ErrOut:  os.Stderr,
		InTTY:   isTerminal(os.Stdin),
		OutTTY:  isTerminal(os.Stdout),
		ErrTTY:  isTerminal(os.Stderr),
		NoColor: getenv("NO_COLOR") != "" || getenv("TERM") == "dumb",
	}
}

// Test returns streams backed by buffers, as a pipe would be: no terminal,
// no colour.
func Test() (ios *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

// ColorOut reports whether Out may carry ANSI styling.
func (s *IOStreams) ColorOut() bool { return s.OutTTY && !s.NoColor }

// ColorErr reports whether ErrOut may carry ANSI styling.
func (s *IOStreams) ColorErr() bool { return s.ErrTTY && !s.NoColor }

// CanPrompt reports whether the user can be asked a question.
func (s *IOStreams) CanPrompt() bool { return s.InTTY && s.ErrTTY }

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }
