package ca

import (
	"errors"
	"path"
	"strings"
)

// File names inside the CA folder.
const (
	CertFileName = "ca.pem"
	KeyFileName  = "ca-key.pem"
)

// appDirName is the folder name under the platform's per-user data folder.
const appDirName = "rtdev"

// DefaultDir returns the CA folder. The order follows mkcert's getCAROOT so
// that users who know one know the other: RTDEV_CAROOT; on Windows
// %LocalAppData%\rtdev; $XDG_DATA_HOME/rtdev when set; on macOS
// ~/Library/Application Support/rtdev; elsewhere ~/.local/share/rtdev.
//
// getenv and goos are injected so that tests (and cross-platform callers)
// never depend on the machine they run on.
func DefaultDir(getenv func(string) string, goos string) (string, error) {
	if d := getenv("RTDEV_CAROOT"); d != "" {
		return d, nil
	}
	if goos == "windows" {
		base := getenv("LocalAppData")
		if base == "" {
			return "", errors.New("find the CA folder: %LocalAppData% is not set; set RTDEV_CAROOT")
		}
		return strings.TrimRight(base, `\/`) + `\` + appDirName, nil
	}
	// The XDG base directory spec says a relative $XDG_DATA_HOME is invalid
	// and must be ignored.
	if x := getenv("XDG_DATA_HOME"); x != "" && strings.HasPrefix(x, "/") {
		return path.Join(x, appDirName), nil
	}
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("find the CA folder: HOME is not set; set RTDEV_CAROOT")
	}
	if goos == "darwin" {
		return path.Join(home, "Library", "Application Support", appDirName), nil
	}
	return path.Join(home, ".local", "share", appDirName), nil
}
