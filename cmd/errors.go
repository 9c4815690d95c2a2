package cmd

import (
	"errors"
	"fmt"
)

// Exit statuses, as documented in the design and the README.
const (
	exitOK       = 0
	exitError    = 1
	exitUsage    = 2
	exitProblems = 3
)

// exitErr carries an exit status and a hint (the command that fixes it)
// up to Main, which alone prints errors.
type exitErr struct {
	code int
	err  error
	hint string
}

func (e *exitErr) Error() string { return e.err.Error() }
func (e *exitErr) Unwrap() error { return e.err }

// usageErr is bad input from the user: a flag, an argument, a value. Exit 2.
func usageErr(hint, format string, args ...any) error {
	return &exitErr{code: exitUsage, err: fmt.Errorf(format, args...), hint: hint}
}

// usageIf makes err a usage error (exit 2) carrying its own hint when it is
// of type E: a library's typed error for input the user typed (an unknown
// target, a name the CA does not permit). Other errors pass unchanged.
func usageIf[E hinter](err error) error {
	var e E
	if errors.As(err, &e) {
		return &exitErr{code: exitUsage, err: err, hint: e.Hint()}
	}
	return err
}

// withHint wraps err so Main prints hint under it. The exit status stays 1
// unless err already carries another.
func withHint(err error, hint string) error {
	if err == nil {
		return nil
	}
	code := exitError
	var ee *exitErr
	if errors.As(err, &ee) {
		code = ee.code
	}
	return &exitErr{code: code, err: err, hint: hint}
}

// errProblemsFound is returned by commands that ran fine but found something
// wrong (doctor, trust status): exit 3 with no extra error line, because the
// report itself already said what is wrong.
var errProblemsFound = &exitErr{code: exitProblems, err: errors.New("problems found")}

// hinter is implemented by typed errors from the libraries that know the
// command which fixes them (a CA key others can read: chmod 600 ...).
type hinter interface {
	error
	Hint() string
}

// describe picks the exit status and hint for err.
func describe(err error) (code int, hint string) {
	code = exitError
	var ee *exitErr
	if errors.As(err, &ee) {
		code, hint = ee.code, ee.hint
	}
	if hint == "" {
		var h hinter
		if errors.As(err, &h) {
			hint = h.Hint()
		}
	}
	return code, hint
}
