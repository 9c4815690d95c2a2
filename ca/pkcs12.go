package ca

import (
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"

	"software.sslmate.com/src/go-pkcs12"
)

// PKCS12 bundles the leaf, its key and (when caCert is not nil) the CA in
// the modern PKCS#12 format: PBES2 with AES-256-CBC and a SHA-256 MAC. The
// legacy RC2 format that mkcert writes fails in OpenSSL 3 and Node 17+
// without the legacy provider (mkcert issue #496).
func (l *Leaf) PKCS12(caCert *x509.Certificate, password string) ([]byte, error) {
	if l.Key == nil {
		return nil, errors.New("encode PKCS#12: the certificate has no private key here (signed from a CSR?)")
	}
	if password == "" {
		// Java and .NET refuse or mishandle an empty PKCS#12 password.
		return nil, errors.New("encode PKCS#12: empty password")
	}
	var chain []*x509.Certificate
	if caCert != nil {
		chain = append(chain, caCert)
	}
	der, err := pkcs12.Modern.Encode(l.Key, l.Cert, chain, password)
	if err != nil {
		return nil, fmt.Errorf("encode PKCS#12: %w", err)
	}
	return der, nil
}

// NewPassword returns a random URL-safe password of 22 characters (128
// bits), safe to paste into a shell, a URL or a config file.
func NewPassword() string {
	b := make([]byte, 16)
	for {
		// crypto/rand.Read never returns an error (Go 1.24+); it crashes
		// the program instead if the OS cannot supply randomness.
		rand.Read(b)
		// A leading "-" would read as an option to keytool or openssl.
		if p := base64.RawURLEncoding.EncodeToString(b); p[0] != '-' {
			return p
		}
	}
}
