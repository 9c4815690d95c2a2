package wsl

import (
	"os"
	"path/filepath"
	"strings"
)

// Env is what detection reads. Nothing is probed at package init.
type Env struct {
	// Getenv reads WSL_DISTRO_NAME and WSL_INTEROP.
	Getenv func(string) string
	// Root stands for "/" (tests point it at a folder holding a fake
	// proc/sys/kernel/osrelease and etc/wsl.conf).
	Root string
	// LookPath finds powershell.exe, wslpath and wslinfo on PATH.
	LookPath func(string) (string, error)
}

func (e Env) path(p string) string {
	root := e.Root
	if root == "" {
		root = "/"
	}
	return filepath.Join(root, filepath.FromSlash(p))
}

// Info is what Detect found.
type Info struct {
	// Version is 1 or 2 inside WSL, 0 elsewhere.
	Version int
	// Distro is WSL_DISTRO_NAME ("" when the environment lost it).
	Distro string
	// PowerShell is the powershell.exe to run, "" when none was found.
	PowerShell string
	// WSLPath is the wslpath program, "" when none was found.
	WSLPath string
	// Automount is where Windows drives are mounted ("/mnt/" unless
	// /etc/wsl.conf moves it).
	Automount string
	// InteropOff says why Windows programs cannot run from here, when the
	// configuration says so; "" when nothing says interop is off.
	InteropOff string
}

// InWSL reports whether rtdev runs inside WSL.
func (i Info) InWSL() bool { return i.Version > 0 }

// osreleaseFile holds the kernel release: WSL1 reports
// "4.4.0-<build>-Microsoft", WSL2 "<version>-microsoft-standard[-WSL2]".
const osreleaseFile = "/proc/sys/kernel/osrelease"

// interopFile is the binfmt_misc entry that runs Windows executables; it
// says "disabled" when interop is turned off for the session.
const interopFile = "/proc/sys/fs/binfmt_misc/WSLInterop"

// Detect tells WSL from plain Linux. WSL's init sets WSL_DISTRO_NAME and
// WSL_INTEROP, but systemd services and scrubbed environments lose them,
// so the kernel release counts too.
func Detect(e Env) Info {
	if e.Getenv == nil {
		e.Getenv = os.Getenv
	}
	release := readSmall(e.path(osreleaseFile))
	distro := e.Getenv("WSL_DISTRO_NAME")
	if distro == "" && e.Getenv("WSL_INTEROP") == "" && !strings.Contains(strings.ToLower(release), "microsoft") {
		return Info{}
	}
	info := Info{Version: 2, Distro: distro}
	// A custom WSL2 kernel may say nothing of Microsoft; only WSL1's
	// emulated kernel says "Microsoft" with a capital M.
	if strings.Contains(release, "-Microsoft") {
		info.Version = 1
	}
	conf := parseINI(readSmall(e.path("/etc/wsl.conf")))
	info.Automount = automount(conf)
	info.PowerShell = e.findPowerShell(conf)
	if e.LookPath != nil {
		info.WSLPath, _ = e.LookPath("wslpath")
	}
	switch {
	case strings.EqualFold(conf.get("interop", "enabled"), "false"):
		info.InteropOff = "/etc/wsl.conf turns interop off ([interop] enabled=false)"
	case firstLine(readSmall(e.path(interopFile))) == "disabled":
		info.InteropOff = interopFile + " says disabled"
	}
	return info
}

// powerShellUnder is where Windows PowerShell 5.1 lives on drive C, below
// the automount root.
const powerShellUnder = "c/Windows/System32/WindowsPowerShell/v1.0/powershell.exe"

// findPowerShell looks on PATH first, then on drive C under the automount
// root: with [interop] appendWindowsPath=false the Windows folders are not
// on PATH, but the program still runs.
func (e Env) findPowerShell(conf ini) string {
	if e.LookPath != nil {
		if p, err := e.LookPath("powershell.exe"); err == nil {
			return p
		}
	}
	p := e.path(filepath.Join(automount(conf), powerShellUnder))
	if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
		return p
	}
	return ""
}

// automount is [automount] root of wsl.conf, "/mnt/" by default.
func automount(conf ini) string {
	mount := conf.get("automount", "root")
	if mount == "" {
		mount = "/mnt/"
	}
	return strings.TrimSuffix(mount, "/") + "/"
}

// OnWindowsDrive reports whether p (absolute, cleaned) is on a Windows
// drive mounted under the automount root (/mnt/c/...), where drvfs keeps
// no Linux file modes unless mounted with metadata: a private key there
// reads as everyone's.
func (i Info) OnWindowsDrive(p string) (drive string, ok bool) {
	mount := i.Automount
	if mount == "" {
		mount = "/mnt/"
	}
	rest, found := strings.CutPrefix(filepath.ToSlash(filepath.Clean(p))+"/", mount)
	if !found {
		return "", false
	}
	letter, _, _ := strings.Cut(rest, "/")
	if len(letter) != 1 || !('a' <= letter[0] && letter[0] <= 'z' || 'A' <= letter[0] && letter[0] <= 'Z') {
		return "", false
	}
	return strings.ToUpper(letter) + ":", true
}

// readSmall reads a small system file, or "" when it is missing. Bounded:
// these files are a line or a few dozen.
func readSmall(p string) string {
	f, err := os.Open(p)
	if err != nil {
		return ""
	}
	defer f.Close()
	buf := make([]byte, 64<<10)
	n, _ := f.Read(buf)
	return string(buf[:n])
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return strings.TrimSpace(s)
}
