package templates

import (
	"fmt"
	"strings"
)

// UnknownTargetError is returned by Render for a name that is neither a
// target nor an alias.
type UnknownTargetError struct {
	Name        string
	Suggestions []string // nearest target names, best first
}

func (e *UnknownTargetError) Error() string {
	if len(e.Suggestions) > 0 {
		return fmt.Sprintf("unknown target %q (did you mean %s?)", e.Name, strings.Join(e.Suggestions, ", "))
	}
	return fmt.Sprintf("unknown target %q", e.Name)
}

// Hint is the command that shows the right name.
func (e *UnknownTargetError) Hint() string {
	if len(e.Suggestions) == 1 {
		return "rtdev snippet " + e.Suggestions[0]
	}
	return "rtdev snippet --list"
}

// UnknownShellError is returned by RenderEnv for a shell it cannot quote for.
type UnknownShellError struct{ Shell string }

func (e *UnknownShellError) Error() string {
	return fmt.Sprintf("unknown shell %q (want %s)", e.Shell, strings.Join(Shells(), ", "))
}

// Hint is the POSIX form, which bash and zsh read too.
func (e *UnknownShellError) Hint() string { return "rtdev env --shell sh" }

// MissingFileError says a snippet needs a file of the certificate set that
// Data does not name (for example cert.p12 before it was made).
type MissingFileError struct {
	Target string
	File   string // "cert.p12", "ca.der", ...
}

func (e *MissingFileError) Error() string {
	return fmt.Sprintf("snippet %s needs %s, which the project has no path for", e.Target, e.File)
}

// Hint: init issues the whole certificate set.
func (e *MissingFileError) Hint() string { return "rtdev init" }

// UnsupportedPathError says a path cannot be written in a target's syntax at
// all (nginx has no escape for "$", which it reads as a variable).
type UnsupportedPathError struct {
	Target string
	Path   string
	Reason string
}

func (e *UnsupportedPathError) Error() string {
	return fmt.Sprintf("snippet %s cannot refer to %q: %s", e.Target, e.Path, e.Reason)
}

// UnsafeBundleError is returned by RenderEnv when the bundle for the
// variables that replace the default roots is missing or is the rtdev CA
// alone: pointing SSL_CERT_FILE at it would break every public site.
type UnsafeBundleError struct{ Bundle string }

func (e *UnsafeBundleError) Error() string {
	if e.Bundle == "" {
		return "no combined CA bundle (system roots + rtdev CA) to point SSL_CERT_FILE at"
	}
	return fmt.Sprintf("CA bundle %s is the rtdev CA alone; SSL_CERT_FILE needs the system roots too", e.Bundle)
}

// Hint: init writes the combined bundle into .rtdev/.
func (e *UnsafeBundleError) Hint() string { return "rtdev init" }

// BehindServeError is --behind-serve for a target that has no such form.
type BehindServeError struct{ Target string }

func (e *BehindServeError) Error() string {
	return fmt.Sprintf("%s has no --behind-serve form: it is for dev servers with HMR", e.Target)
}

// Hint names the targets that have one.
func (e *BehindServeError) Hint() string {
	var names []string
	for _, t := range registry {
		if t.BehindServe {
			names = append(names, t.Name)
		}
	}
	return "use it with " + strings.Join(names, ", ") + ", or leave --behind-serve out"
}
