package doctor

import (
	"crypto/x509"
	"time"

	"github.com/rtdev/rtdev/ca"
)

// Fix commands shared by several checks.
const (
	fixInit  = "rtdev init"
	fixEnv   = `eval "$(rtdev env)"`
	fixTrust = "rtdev trust install"
)

// date formats a certificate time for messages and Details: UTC, to the
// second, RFC 3339, so the JSON is machine-readable and the same on every
// machine.
func date(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// fingerprint is any certificate's fingerprint in the form ca.CA.Fingerprint
// gives the rtdev CA's, so the two can be compared.
func fingerprint(c *x509.Certificate) string { return (&ca.CA{Cert: c}).Fingerprint() }

// certNames lists a certificate's DNS and IP SANs, as a client matches them.
func certNames(c *x509.Certificate) []string {
	names := append([]string{}, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	return names
}
