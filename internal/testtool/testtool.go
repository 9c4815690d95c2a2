package testtool

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Need returns the path of the program name, looking in PATH and then in
// the sbin folders a non-login PATH may lack (nginx, update-ca-certificates).
func Need(t testing.TB, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/bin"} {
		p := filepath.Join(dir, name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() && fi.Mode()&0o111 != 0 {
			return p
		}
	}
	Missing(t, name+" is not installed (scripts/test-deps.sh installs it)")
	return ""
}

// Missing ends the test for something the environment lacks: a failure in
// CI, a skip elsewhere.
func Missing(t testing.TB, reason string) {
	t.Helper()
	if InCI() {
		t.Fatal(reason)
	}
	t.Skip(reason)
}

// InCI reports whether the tests run in CI, where nothing may be skipped.
func InCI() bool { return os.Getenv("CI") == "true" }

// SystemPython is Debian's interpreter, the one Debian's python3-* packages
// (python3-websockets) install into and whose ssl module links the system
// OpenSSL; a user's pyenv shim earlier in PATH has neither.
const SystemPython = "/usr/bin/python3"

// Python returns SystemPython, or the python3 on PATH where there is none.
func Python(t testing.TB) string {
	t.Helper()
	if _, err := os.Stat(SystemPython); err == nil {
		return SystemPython
	}
	return Need(t, "python3")
}

// HostileWords are what the quoting tests write for a real interpreter or
// shell and read back: a space, both quotes, a Windows path, expansions,
// non-ASCII, control characters, a line separator and a trailing
// backslash, each a way a careless quoter breaks on a project folder name.
func HostileWords() []string {
	return []string{
		"/plain/path.pem",
		"/with space/a.pem",
		`/it's "quoted"/a.pem`,
		`C:\new\table\x.pem`,
		"/$HOME/${x}/$(id)/`id`",
		"/ünï/漢字/😀",
		"tab\there",
		"line\nbreak",
		"sep\u2028arator",
		`trailing\`,
	}
}
