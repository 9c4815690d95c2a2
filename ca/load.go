package ca

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/rtdev/rtdev/internal/shell"
)

// ErrNotFound means the folder holds no CA certificate.
var ErrNotFound = errors.New("no CA found")

// ErrNoKey means the CA certificate is there but its key is not (a
// "keyless" CA, as mkcert calls it: enough to install trust, not to issue).
var ErrNoKey = errors.New("CA key not found")

// KeyModeError is a CA key that users other than its owner can read.
type KeyModeError struct {
	Path string
	Mode fs.FileMode
}

func (e *KeyModeError) Error() string {
	return fmt.Sprintf("CA key %s is readable by other users (mode %04o); refusing to use it", e.Path, e.Mode.Perm())
}

// Hint is the command that fixes the mode.
func (e *KeyModeError) Hint() string { return "chmod 600 " + shell.Quote(e.Path) }

// Load reads the CA and its key from dir. It refuses a key that the group or
// others can read (KeyModeError) and a key that does not belong to the
// certificate.
func Load(dir string) (*CA, error) {
	c, err := LoadCert(dir)
	if err != nil {
		return nil, err
	}
	keyPath := filepath.Join(dir, KeyFileName)
	fi, err := os.Stat(keyPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("load CA key: %w: %s", ErrNoKey, keyPath)
	}
	if err != nil {
		return nil, fmt.Errorf("load CA key: %w", err)
	}
	// Windows has no POSIX modes (Go reports 0666 for any writable file);
	// the folder under %LocalAppData% is already per-user there.
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, &KeyModeError{Path: keyPath, Mode: fi.Mode()}
	}
	key, _, err := readKeyFile(keyPath, c.Cert.PublicKey, filepath.Join(dir, CertFileName))
	if err != nil {
		return nil, fmt.Errorf("load CA key: %w", err)
	}
	c.Key = key
	return c, nil
}

// LoadCert reads only the CA certificate from dir: enough for trust
// install, doctor and `ca info`, and the only thing possible on a machine
// that has the certificate without the key.
func LoadCert(dir string) (*CA, error) {
	certPath := filepath.Join(dir, CertFileName)
	cert, err := readCertFile(certPath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("load CA: %w in %s", ErrNotFound, dir)
	}
	if err != nil {
		return nil, fmt.Errorf("load CA certificate: %w", err)
	}
	if !cert.IsCA {
		return nil, fmt.Errorf("load CA certificate %s: not a CA certificate", certPath)
	}
	return &CA{Dir: dir, Cert: cert, CertPEM: certPEM(cert.Raw)}, nil
}
