package tlsserve

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
	"sync"
	"time"
)

// CertReloader serves a certificate pair from files and picks up a new pair
// (rtdev init renews the project certificate in place) without a restart.
// It stats both files on each handshake, which costs far less than the
// handshake itself, and reloads when either's modification time or size
// changed. A pair that does not load (the certificate renamed into place,
// the key not yet) keeps the previous one in service and is tried again on
// the next handshake.
type CertReloader struct {
	certFile, keyFile string

	mu      sync.Mutex
	cert    *tls.Certificate
	stamp   [2]fileStamp
	lastErr error
}

type fileStamp struct {
	mod  time.Time
	size int64
}

func (a fileStamp) same(b fileStamp) bool { return a.size == b.size && a.mod.Equal(b.mod) }

// NewCertReloader loads the pair once; an error means it does not load.
func NewCertReloader(certFile, keyFile string) (*CertReloader, error) {
	r := &CertReloader{certFile: certFile, keyFile: keyFile}
	stamp, err := r.stat()
	if err != nil {
		return nil, err
	}
	if err := r.load(stamp); err != nil {
		return nil, err
	}
	return r, nil
}

// GetCertificate is a tls.Config.GetCertificate.
func (r *CertReloader) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refresh()
	return r.cert, nil
}

// Leaf is the certificate the next handshake presents, reloaded first when
// the files changed: what a health report should describe, even when
// another rtdev run rewrote the files.
func (r *CertReloader) Leaf() *x509.Certificate {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refresh()
	return r.cert.Leaf
}

// refresh reloads the pair when either file changed; r.mu is held.
func (r *CertReloader) refresh() {
	stamp, err := r.stat()
	switch {
	case err != nil:
		r.lastErr = err // a file briefly missing mid-rename: keep serving
	case !stamp[0].same(r.stamp[0]) || !stamp[1].same(r.stamp[1]):
		r.lastErr = r.load(stamp)
	}
}

// Err returns why the last reload attempt failed, or nil when the files in
// service are the ones on disk.
func (r *CertReloader) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lastErr
}

func (r *CertReloader) stat() ([2]fileStamp, error) {
	var st [2]fileStamp
	for i, name := range []string{r.certFile, r.keyFile} {
		fi, err := os.Stat(name)
		if err != nil {
			return st, fmt.Errorf("stat certificate file: %w", err)
		}
		st[i] = fileStamp{mod: fi.ModTime(), size: fi.Size()}
	}
	return st, nil
}

// load reads the pair; the stamp is recorded only on success, so a failed
// pair is retried.
func (r *CertReloader) load(stamp [2]fileStamp) error {
	cert, err := tls.LoadX509KeyPair(r.certFile, r.keyFile)
	if err != nil {
		return fmt.Errorf("load certificate %s with key %s: %w", r.certFile, r.keyFile, err)
	}
	if cert.Leaf == nil { // LoadX509KeyPair fills it since Go 1.23
		if cert.Leaf, err = x509.ParseCertificate(cert.Certificate[0]); err != nil {
			return fmt.Errorf("parse certificate %s: %w", r.certFile, err)
		}
	}
	r.cert, r.stamp = &cert, stamp
	return nil
}
