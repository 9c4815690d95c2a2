package project

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// DirName is the per-developer folder inside a project. It is never
// committed: it holds a private key.
const DirName = ".rtdev"

// Layout is where a project's files live.
type Layout struct {
	Root       string // the project root (absolute)
	ConfigFile string // rtdev.toml
	Dir        string // .rtdev/
	Cert       string // leaf certificate, PEM
	Key        string // leaf key, PKCS#8 PEM, 0600
	GroupKey   string // a copy of Key readable by the developer's group (0640), for containers; only once asked for
	CA         string // copy of the rtdev CA certificate (public)
	CADER      string // the CA in DER, for Android/iOS/Dart
	Fullchain  string // leaf + CA, for servers that want the chain in one file
	P12        string // leaf + key + CA as PKCS#12 (Java, .NET)
	P12Pass    string // the PKCS#12 password (in .rtdev/, never in rtdev.toml)
	Bundle     string // the system roots + the rtdev CA, for SSL_CERT_FILE and friends
	TrustStore string // the same roots as a PKCS#12 truststore, for Java
	Snippets   string // .rtdev/snippets/
	GitIgnore  string // .gitignore at the root
}

// NewLayout returns the layout for a project rooted at root.
func NewLayout(root string) Layout {
	d := filepath.Join(root, DirName)
	return Layout{
		Root:       root,
		ConfigFile: filepath.Join(root, ConfigFileName),
		Dir:        d,
		Cert:       filepath.Join(d, "cert.pem"),
		Key:        filepath.Join(d, "key.pem"),
		GroupKey:   filepath.Join(d, "key.group.pem"),
		CA:         filepath.Join(d, "ca.pem"),
		CADER:      filepath.Join(d, "ca.der"),
		Fullchain:  filepath.Join(d, "fullchain.pem"),
		P12:        filepath.Join(d, "cert.p12"),
		P12Pass:    filepath.Join(d, "cert.p12.pass"),
		Bundle:     filepath.Join(d, "ca-bundle.pem"),
		TrustStore: filepath.Join(d, "truststore.p12"),
		Snippets:   filepath.Join(d, "snippets"),
		GitIgnore:  filepath.Join(root, ".gitignore"),
	}
}

// FindRoot returns the project root for the working folder wd: the nearest
// folder at or above wd that holds rtdev.toml, else wd itself (init then
// makes wd a project).
func FindRoot(wd string) (string, error) {
	abs, err := filepath.Abs(wd)
	if err != nil {
		return "", fmt.Errorf("find project root: %w", err)
	}
	for dir := abs; ; {
		_, err := os.Stat(filepath.Join(dir, ConfigFileName))
		if err == nil {
			return dir, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("find project root: %w", err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return abs, nil
		}
		dir = parent
	}
}
