package trust

import (
	"crypto/sha1"
	"encoding/hex"
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

// sha1Hex is the CA's SHA-1 thumbprint in upper-case hex, the form macOS's
// security(1), Windows' certutil and JDK 8's keytool print and accept.
func sha1Hex(c *ca.CA) string {
	sum := sha1.Sum(c.Cert.Raw)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}
