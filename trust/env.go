package trust

import (
	"crypto/x509"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/rtdev/rtdev/internal/run"
)

// Env is everything the stores learn about the machine. Nothing is probed
// at package init; tests build an Env with a temporary HOME, a Root folder
// and a fake Runner so they never touch the machine's real stores.
type Env struct {
	// GOOS selects the platform's stores ("linux", "darwin", "windows").
	GOOS string
	// Getenv reads HOME, XDG_DATA_HOME, XDG_CONFIG_HOME, JAVA_HOME, ...
	Getenv func(string) string
	// UID is the effective user id; 0 means no sudo is needed.
	UID int
	// CanPrompt is true when a person can answer a sudo password prompt:
	// stdin is a terminal and --yes was not given.
	CanPrompt bool
	// Runner runs every external command.
	Runner run.Runner
	// BeforePrompt, when set, is called before a command that may ask the
	// user something (sudo's password prompt, Windows' Root store dialog),
	// so a caller can take its spinner off the terminal first: a spinner
	// redrawing the line would hide or garble the prompt. It may be called
	// more than once.
	BeforePrompt func()
	// Unattended is set under --yes (the Vite plugin, an onboarding
	// script): nobody may be watching the screen, so no store that shows a
	// dialog (Windows' root warning, from WSL) is written.
	Unattended bool
	// BeforeDialog, when set, is called with one sentence before a
	// platform dialog may appear, so the user knows to look for it.
	BeforeDialog func(what string)
	// Root prefixes the system paths rtdev reads and writes (anchor
	// folders, bundles, /etc/os-release); "/" outside tests.
	Root string

	// verify asks the platform verifier whether the CA is trusted; only
	// used on macOS and Windows, where crypto/x509 delegates to it.
	verify func(*x509.Certificate) error
	// winRoot is the Windows current-user Root store.
	winRoot rootStore
	// wslTimeout, when set, bounds every PowerShell call from WSL (tests).
	wslTimeout time.Duration
}

// NewEnv describes the machine rtdev runs on. canPrompt is the caller's
// decision: stdin is a terminal and the user did not pass --yes.
func NewEnv(canPrompt bool) Env {
	return Env{
		GOOS:      runtime.GOOS,
		Getenv:    os.Getenv,
		UID:       os.Geteuid(),
		CanPrompt: canPrompt,
		Runner:    run.ExecRunner(),
		Root:      string(filepath.Separator),
	}
}

// withDefaults fills what a caller left empty.
func (e Env) withDefaults() Env {
	if e.GOOS == "" {
		e.GOOS = runtime.GOOS
	}
	if e.Getenv == nil {
		e.Getenv = os.Getenv
	}
	if e.Runner == nil {
		e.Runner = run.ExecRunner()
	}
	if e.Root == "" {
		e.Root = string(filepath.Separator)
	}
	if e.verify == nil {
		e.verify = platformVerify
	}
	if e.winRoot == nil {
		e.winRoot = platformRootStore()
	}
	return e
}

// beforePrompt calls BeforePrompt when there is one.
func (e Env) beforePrompt() {
	if e.BeforePrompt != nil {
		e.BeforePrompt()
	}
}

// sys maps an absolute system path under Root.
func (e Env) sys(p string) string { return filepath.Join(e.Root, filepath.FromSlash(p)) }

// home is the user's home folder, or "" when it is not set. Only the NSS
// store reads it, and never on Windows.
func (e Env) home() string { return e.Getenv("HOME") }

// xdg returns the XDG base directory in variable name, or home/fallback.
// The XDG spec says a relative value is invalid and must be ignored.
func (e Env) xdg(name, fallback string) string {
	if v := e.Getenv(name); filepath.IsAbs(v) {
		return v
	}
	return filepath.Join(e.home(), fallback)
}

// platformVerify uses crypto/x509 with the system roots, which on macOS and
// Windows is the platform verifier (golang/go src/crypto/x509/verify.go).
func platformVerify(c *x509.Certificate) error {
	_, err := c.Verify(x509.VerifyOptions{})
	return err
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
