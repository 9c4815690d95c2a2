package trust

import (
	"path/filepath"
	"strings"

	"github.com/rtdev/rtdev/ca"
)

// newSystemStore picks the OS's store. The choice is made from Env.GOOS, not
// build tags, so the macOS and Windows command sequences run in unit tests on
// Linux; only the crypt32 calls are in a Windows-only file.
func newSystemStore(env Env, c *ca.CA) Store {
	switch env.GOOS {
	case "linux":
		return &distroStore{env: env, ca: c}
	case "darwin":
		return &keychainStore{env: env, ca: c}
	case "windows":
		return &windowsStore{env: env, ca: c}
	default:
		return &unsupportedStore{name: StoreSystem, location: env.GOOS,
			reason: "rtdev cannot change the system trust store on " + env.GOOS + "; import " + certFile(c) + " by hand"}
	}
}

// certFile is the CA certificate on disk, the file every command reads.
func certFile(c *ca.CA) string { return filepath.Join(c.Dir, ca.CertFileName) }

// anchorName is the file name of the CA in an anchor folder. It carries the
// fingerprint (through UniqueName) so two rtdev CAs, for example from two
// RTDEV_CAROOTs, never overwrite each other and uninstall removes only its
// own.
func anchorName(c *ca.CA, ext string) string {
	return strings.ReplaceAll(c.UniqueName(), " ", "_") + ext
}
