package doctor

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"strings"
	"time"
)

// Fix commands shared by several checks.
const (
	fixInit  = "rtdev init"
	fixEnv   = `eval "$(rtdev env)"`
	fixTrust = "rtdev trust install"
)

// shellWord quotes s for a POSIX shell when it holds anything beyond the
// characters a path or host name usually has, so a Fix pasted into a shell
// runs as shown even for a project folder with a space in its name.
func shellWord(s string) string {
	plain := s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("@%+=:,./_-", r))
	}) < 0
	if plain {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// date formats a certificate time for messages and Details: UTC, to the
// second, RFC 3339, so the JSON is machine-readable and the same on every
// machine.
func date(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// fingerprint is the SHA-256 of a certificate's DER, lowercase hex, as
// ca.CA.Fingerprint prints it.
func fingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}

// certNames lists a certificate's DNS and IP SANs, as a client matches them.
func certNames(c *x509.Certificate) []string {
	names := append([]string{}, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	return names
}
