package project

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"

	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/rtdev/rtdev/internal/fsutil"
)

// SystemBundles are the PEM root bundles of the usual systems, in the order
// Go's crypto/x509 looks for them on Linux, then macOS and Homebrew.
var SystemBundles = []string{
	"/etc/ssl/certs/ca-certificates.crt",                // Debian, Ubuntu, Gentoo, Arch (compat)
	"/etc/pki/tls/certs/ca-bundle.crt",                  // Fedora, RHEL 6
	"/etc/ssl/ca-bundle.pem",                            // openSUSE
	"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem", // RHEL 7+
	"/etc/ssl/cert.pem",                                 // Alpine, macOS
	"/opt/homebrew/etc/ca-certificates/cert.pem",        // Homebrew on Apple silicon
	"/usr/local/etc/ca-certificates/cert.pem",           // Homebrew on Intel
}

// TrustStorePassword is the password of .rtdev/truststore.p12, the JDK's
// well-known default: the file holds only public certificates.
const TrustStorePassword = "changeit"

// ErrNoSystemBundle means no system root bundle was found to combine with
// the rtdev CA (Windows has none on disk).
var ErrNoSystemBundle = errors.New("no system CA bundle found")

// WriteBundle keeps lay.Bundle equal to the system roots plus the rtdev CA.
// Variables such as SSL_CERT_FILE and REQUESTS_CA_BUNDLE replace a
// runtime's roots instead of adding to them, so pointing them at ca.pem
// alone would break every public site; this bundle keeps those working.
// It also keeps lay.TrustStore, the same roots as a PKCS#12 truststore for
// Java (javax.net.ssl.trustStore also replaces the default roots).
func WriteBundle(lay Layout, caPEM []byte, candidates []string) (changed bool, source string, err error) {
	var system []byte
	for _, p := range candidates {
		if data, rerr := os.ReadFile(p); rerr == nil && bytes.Contains(data, []byte("BEGIN CERTIFICATE")) {
			system, source = data, p
			break
		}
	}
	if system == nil {
		return false, "", ErrNoSystemBundle
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "# rtdev: the system roots from %s and your rtdev CA (rtdev env keeps this up to date)\n", source)
	b.Write(bytes.TrimRight(system, "\n"))
	b.WriteString("\n")
	if !bytes.Contains(system, bytes.TrimSpace(caPEM)) {
		b.WriteString("# rtdev development CA\n")
		b.Write(caPEM)
	}
	changed, err = WriteIfChanged(lay.Bundle, b.Bytes(), 0o644)
	if err != nil {
		return false, source, err
	}
	// The truststore is encoded with a random salt, so it is rebuilt only
	// when the bundle changed or it is missing, never compared.
	if _, statErr := os.Stat(lay.TrustStore); changed || statErr != nil {
		return true, source, writeTrustStore(lay.TrustStore, b.Bytes())
	}
	return false, source, nil
}

func writeTrustStore(path string, bundle []byte) error {
	var certs []*x509.Certificate
	for rest := bundle; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if c, err := x509.ParseCertificate(block.Bytes); err == nil && block.Type == "CERTIFICATE" {
			certs = append(certs, c)
		}
	}
	data, err := pkcs12.Modern.EncodeTrustStore(certs, TrustStorePassword)
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	if err := fsutil.WriteFileAtomic(path, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
