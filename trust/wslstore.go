package trust

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/internal/wsl"
)

// wslStore is the Windows user's Root store written from inside WSL, so
// Chrome, Edge and Firefox on Windows trust a server running in WSL. It
// runs the fixed scripts of internal/wsl through powershell.exe; the
// certificate and its thumbprint are data on standard input. On Windows
// itself this store is the system store (system_windows.go).
type wslStore struct {
	env Env
	ca  *ca.CA
}

// inWSL is the windows store's availability: Linux inside WSL.
func inWSL(env Env) bool { return env.GOOS == "linux" && env.wslInfo().InWSL() }

func (e Env) wslInfo() wsl.Info {
	return wsl.Detect(wsl.Env{Getenv: e.Getenv, Root: e.Root, LookPath: e.Runner.LookPath})
}

// Interop is how this environment reaches Windows from WSL, for callers
// that ask Windows other questions (doctor, the networking mode).
func (e Env) Interop() wsl.Interop {
	e = e.withDefaults()
	return wsl.Interop{Runner: e.Runner, Info: e.wslInfo(), Timeout: e.wslTimeout, DialogTimeout: e.wslTimeout}
}

// WindowsInstallCommand installs the CA into the Windows store by hand,
// from a terminal where the user can answer Windows' dialog.
const WindowsInstallCommand = "rtdev trust install --store " + StoreWindows

// firefoxNote: Firefox on Windows reads user-added Windows roots by
// default since version 120 (its "automatically trust third-party root
// certificates" setting), so this store covers it too.
const firefoxNote = "Chrome, Edge and Firefox 120+ on Windows trust it"

// ConfirmError is a change that needs the user to answer a Windows dialog
// while rtdev may not show one (--yes).
type ConfirmError struct{ Command string }

func (e *ConfirmError) Error() string {
	return "not written under --yes: Windows asks the user to confirm a new root in a dialog nobody may be watching"
}

// Hint is the command to run from a terminal instead.
func (e *ConfirmError) Hint() string { return e.Command }

func (s *wslStore) Name() string { return StoreWindows }

func (s *wslStore) result() Result { return Result{Store: StoreWindows, Location: windowsLocation} }

// run runs one script with the CA as data and reads a Windows exception.
func (s *wslStore) run(ctx context.Context, script wsl.Script) (wsl.Answer, error) {
	ans, err := s.env.Interop().Run(ctx, script,
		wsl.Var{Name: "rtdevThumbprint", Value: sha1Hex(s.ca)},
		wsl.Var{Name: "rtdevCert", Value: base64.StdEncoding.EncodeToString(s.ca.Cert.Raw)})
	if err == nil {
		if f := ans.Failed(); f != nil {
			err = f
		}
	}
	return ans, err
}

func (s *wslStore) Status(ctx context.Context) []Result {
	r := s.result()
	ans, err := s.run(ctx, wsl.RootStatus)
	if err != nil {
		return []Result{failure(r, fmt.Errorf("read the Windows Root store: %w", err), "")}
	}
	r.OtherCAs = ans.All("other")
	switch _, present := ans.Find("present"); {
	case present:
		r.State, r.Reason = Installed, firefoxNote
	default:
		r.State, r.Command = Missing, WindowsInstallCommand
		if len(r.OtherCAs) > 0 {
			r.Reason = "it holds another rtdev CA (SHA-1 " + r.OtherCAs[0] + "), not this one"
		}
	}
	return []Result{r}
}

func (s *wslStore) Install(ctx context.Context) []Result {
	if st, done := preInstall(s.Status(ctx)[0]); done {
		return []Result{st}
	}
	r := s.result()
	if s.env.Unattended {
		err := &ConfirmError{Command: WindowsInstallCommand}
		return []Result{failure(r, err, err.Command)}
	}
	s.env.beforePrompt()
	s.env.beforeDialog("Windows asks you to confirm adding the rtdev CA to your user's Root store: answer Yes in its Security Warning dialog")
	ans, err := s.run(ctx, wsl.RootInstall)
	if declined(ans, err) {
		r.State, r.Reason, r.Command = Declined, "you answered No in Windows' dialog; nothing changed", WindowsInstallCommand
		return []Result{r}
	}
	if err != nil {
		// Without interop the command cannot help: the error's Hint says
		// how to get Windows back.
		manual := WindowsInstallCommand
		var ie *wsl.InteropError
		if errors.As(err, &ie) {
			manual = ""
		}
		return []Result{failure(r, fmt.Errorf("add the CA to the Windows Root store: %w", err), manual)}
	}
	if _, ok := ans.Find("present"); ok {
		r.State = Already
		return []Result{r}
	}
	r.State, r.Reason = Installed, firefoxNote
	// Browsers read the Windows store at start.
	r.RestartBrowser = true
	return []Result{r}
}

func (s *wslStore) Uninstall(ctx context.Context) []Result {
	r := s.result()
	s.env.beforePrompt()
	s.env.beforeDialog("Windows may ask you to confirm removing the rtdev CA from your user's Root store")
	ans, err := s.run(ctx, wsl.RootRemove)
	if declined(ans, err) {
		r.State, r.Reason = Declined, "you answered No in Windows' dialog; the CA is still there"
		return []Result{r}
	}
	if err != nil {
		return []Result{failure(r, fmt.Errorf("remove the CA from the Windows Root store: %w", err), "")}
	}
	if _, ok := ans.Find("removed"); !ok {
		r.State = Missing
		return []Result{r}
	}
	r.State, r.RestartBrowser = Removed, true
	return []Result{r}
}

// declined reports the user's No: X509Store.Add throws ERROR_CANCELLED,
// and a dialog declined without an exception leaves the store unchanged.
func declined(ans wsl.Answer, err error) bool {
	var se *wsl.ScriptError
	if errors.As(err, &se) && se.Cancelled() {
		return true
	}
	_, ok := ans.Find("declined")
	return ok
}

// beforeDialog calls BeforeDialog when there is one.
func (e Env) beforeDialog(what string) {
	if e.BeforeDialog != nil {
		e.BeforeDialog(what)
	}
}
