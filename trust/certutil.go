package trust

import (
	"bufio"
	"bytes"
	"os"
	"strings"
)

// MissingToolError is a store that needs a program that is not installed.
type MissingToolError struct {
	Tool string
	// Install is the command that installs it on this OS, or "".
	Install string
}

func (e *MissingToolError) Error() string { return e.Tool + " is not installed" }

// Hint is the command that installs the tool.
func (e *MissingToolError) Hint() string { return e.Install }

// findCertutil looks for NSS's certutil. On macOS Homebrew's nss keg is not
// always linked into PATH (mkcert's truststore_darwin.go looks there too).
// On Windows the certutil in PATH is Microsoft's, a different program, but
// the NSS store is never used there.
func (e Env) findCertutil() (string, error) {
	p, err := e.Runner.LookPath("certutil")
	if err == nil || e.GOOS != "darwin" {
		return p, err
	}
	for _, c := range []string{"/opt/homebrew/opt/nss/bin/certutil", "/usr/local/opt/nss/bin/certutil"} {
		if exists(e.sys(c)) {
			return c, nil
		}
	}
	return "", err
}

// certutilInstall is how to install certutil on this OS, read from
// /etc/os-release ID and ID_LIKE on Linux.
func (e Env) certutilInstall() string {
	if e.GOOS == "darwin" {
		return "brew install nss"
	}
	ids := osReleaseIDs(e.sys("/etc/os-release"))
	sudo := e.sudoWord()
	for _, id := range ids {
		switch id {
		case "debian", "ubuntu":
			return sudo + "apt-get install libnss3-tools"
		case "fedora", "rhel", "centos":
			return sudo + "dnf install nss-tools"
		case "arch":
			return sudo + "pacman -S nss"
		case "opensuse", "suse", "sles", "opensuse-leap", "opensuse-tumbleweed":
			return sudo + "zypper install mozilla-nss-tools"
		case "alpine":
			return sudo + "apk add nss-tools"
		}
	}
	return ""
}

// osReleaseIDs returns ID then the words of ID_LIKE, lowercased.
func osReleaseIDs(path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var id, like []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimSpace(sc.Text()), "=")
		if !ok {
			continue
		}
		v = strings.ToLower(strings.Trim(v, `"'`))
		switch k {
		case "ID":
			id = []string{v}
		case "ID_LIKE":
			like = strings.Fields(v)
		}
	}
	return append(id, like...)
}
