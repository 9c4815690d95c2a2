package wsl

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/rtdev/rtdev/internal/run"
)

// Default time limits for a PowerShell call. Starting Windows PowerShell
// from WSL takes a second or two; a call that shows Windows' confirmation
// dialog waits for the user to answer it.
const (
	DefaultTimeout       = 30 * time.Second
	DefaultDialogTimeout = 3 * time.Minute
)

// Interop runs programs on the Windows side.
type Interop struct {
	Runner run.Runner
	Info   Info
	// Timeout bounds every call, DialogTimeout one that may show a dialog;
	// zero is the default.
	Timeout, DialogTimeout time.Duration
}

// powerShellArgs make powershell.exe read the script from standard input,
// without the user's profile (which may print or prompt) and without ever
// asking a question on the console.
var powerShellArgs = []string{"-NoProfile", "-NonInteractive", "-Command", "-"}

// PowerShellCommand is the command line Run starts, for messages.
func PowerShellCommand() string { return "powershell.exe " + strings.Join(powerShellArgs, " ") }

// Var is one piece of data for a script, set as $Name before it runs.
type Var struct{ Name, Value string }

// Line is one "RTDEV:WORD REST" answer line.
type Line struct{ Word, Rest string }

// Answer is what a script printed.
type Answer struct {
	Lines []Line
	// Output is the whole decoded output, for error messages.
	Output string
}

// Find returns the first line with word.
func (a Answer) Find(word string) (Line, bool) {
	for _, l := range a.Lines {
		if l.Word == word {
			return l, true
		}
	}
	return Line{}, false
}

// All returns the rest of every line with word.
func (a Answer) All(word string) []string {
	var out []string
	for _, l := range a.Lines {
		if l.Word == word {
			out = append(out, l.Rest)
		}
	}
	return out
}

// Failed is the exception a script caught, when it printed one.
func (a Answer) Failed() *ScriptError {
	l, ok := a.Find("failed")
	if !ok {
		return nil
	}
	code, msg, _ := strings.Cut(l.Rest, " ")
	var hr uint32
	_, _ = fmt.Sscanf(code, "0x%X", &hr)
	return &ScriptError{HRESULT: hr, Message: strings.TrimSpace(msg)}
}

// ScriptError is an exception a script caught on Windows.
type ScriptError struct {
	HRESULT uint32
	Message string
}

func (e *ScriptError) Error() string {
	return fmt.Sprintf("windows reported 0x%08X: %s", e.HRESULT, strings.TrimSuffix(e.Message, "."))
}

// errorCancelled is HRESULT_FROM_WIN32(ERROR_CANCELLED): what X509Store.Add
// throws (a CryptographicException "The operation was canceled by the
// user") when the user answers No to Windows' root certificate warning.
const errorCancelled = 0x800704C7

// Cancelled reports whether the user said no to Windows' dialog.
func (e *ScriptError) Cancelled() bool { return e.HRESULT == errorCancelled }

// InteropError says that Windows could not be reached from WSL at all.
type InteropError struct {
	Why    string
	Output string
	Err    error
}

func (e *InteropError) Error() string { return "windows interop: " + e.Why }

func (e *InteropError) Unwrap() error { return e.Err }

// Hint says how to get interop back; it names no command, since the fix
// is in WSL's configuration and in restarting the distribution.
func (e *InteropError) Hint() string {
	return "Windows programs must run from this shell: set [interop] enabled=true (and appendWindowsPath=true) in /etc/wsl.conf, then restart the WSL distribution from Windows"
}

// maxVarBytes bounds one variable (a base64 certificate is about 1 KB).
const maxVarBytes = 16 << 10

// varValueChars are the only bytes a value may hold: hex, decimal, base64
// and a dot, none of which can end a single-quoted PowerShell string.
const varValueChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=."

// input is what Run feeds powershell.exe: one assignment per variable,
// then the script.
func input(s Script, vars []Var) ([]byte, error) {
	var b strings.Builder
	for _, v := range vars {
		if !strings.HasPrefix(v.Name, "rtdev") || strings.Trim(v.Name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			return nil, fmt.Errorf("script %s: bad variable name %q", s.Name, v.Name)
		}
		if len(v.Value) > maxVarBytes || strings.Trim(v.Value, varValueChars) != "" {
			return nil, fmt.Errorf("script %s: variable %s holds characters other than letters, digits and base64", s.Name, v.Name)
		}
		fmt.Fprintf(&b, "$%s = '%s'\n", v.Name, v.Value)
	}
	b.WriteString(s.Text)
	return []byte(b.String()), nil
}

// Run has Windows PowerShell run s with vars, within the time limit.
func (x Interop) Run(ctx context.Context, s Script, vars ...Var) (Answer, error) {
	stdin, err := input(s, vars)
	if err != nil {
		return Answer{}, err
	}
	if x.Info.InteropOff != "" {
		return Answer{}, &InteropError{Why: x.Info.InteropOff}
	}
	if x.Info.PowerShell == "" {
		return Answer{}, &InteropError{Why: "powershell.exe is neither on PATH nor under " + "/mnt/" + powerShellUnder}
	}
	limit := x.Timeout
	if limit <= 0 {
		limit = DefaultTimeout
	}
	if s.Dialog {
		limit = x.DialogTimeout
		if limit <= 0 {
			limit = DefaultDialogTimeout
		}
	}
	cctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	out, err := x.Runner.Run(cctx, x.Info.PowerShell, powerShellArgs, stdin)
	ans := parseAnswer(Decode(out))
	if errors.Is(cctx.Err(), context.DeadlineExceeded) {
		return ans, &InteropError{Why: fmt.Sprintf("powershell.exe did not answer within %v (is Windows interop turned off?)", limit), Output: ans.Output, Err: cctx.Err()}
	}
	if len(ans.Lines) == 0 {
		why := "powershell.exe printed no answer"
		if err != nil {
			why = "powershell.exe did not run: " + err.Error()
		}
		if l := firstLine(ans.Output); l != "" {
			why += ": " + l
		}
		return ans, &InteropError{Why: why, Output: ans.Output, Err: err}
	}
	return ans, nil
}

// maxLines bounds the answer lines read.
const maxLines = 256

func parseAnswer(text string) Answer {
	a := Answer{Output: strings.TrimSpace(text)}
	for _, line := range strings.Split(text, "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "RTDEV:")
		if !ok {
			continue
		}
		word, rest, _ := strings.Cut(rest, " ")
		a.Lines = append(a.Lines, Line{Word: word, Rest: strings.TrimSpace(rest)})
		if len(a.Lines) == maxLines {
			break
		}
	}
	return a
}
