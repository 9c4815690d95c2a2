package devserver

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"time"
)

// Health is the report a health page serves (rtdev serve's /rtdev/health):
// whether the server is up, since when, which certificate it presents, and
// its Stats. The fields are in the order the JSON has always had them
// (it was a map, whose keys encoding/json sorts).
type Health struct {
	Cert    CertHealth     `json:"cert"`
	Cluster *ClusterHealth `json:"cluster,omitempty"` // with Config.ClusterURL only
	Server  Stats          `json:"server"`
	Status  string         `json:"status"`
	Uptime  string         `json:"uptime"`
	Version string         `json:"version"`
}

// CertHealth is the served certificate as Health reports it.
type CertHealth struct {
	Names    []string  `json:"names"`
	NotAfter time.Time `json:"not_after"` // UTC
	SHA256   string    `json:"sha256"`    // of the DER, lowercase hex
}

// CertHealthOf describes a served certificate: its SAN names (DNS names,
// then IP addresses), expiry and fingerprint.
func CertHealthOf(c *x509.Certificate) CertHealth {
	names := append([]string{}, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		names = append(names, ip.String())
	}
	sum := sha256.Sum256(c.Raw)
	return CertHealth{Names: names, NotAfter: c.NotAfter.UTC(), SHA256: hex.EncodeToString(sum[:])}
}

// Health reports the server's state for version (the program's), up for
// uptime and presenting cert.
func (s *Server) Health(version string, uptime time.Duration, cert CertHealth) Health {
	cert.NotAfter = cert.NotAfter.UTC()
	return Health{
		Cert:    cert,
		Cluster: s.broker.health(),
		Server:  s.Stats(),
		Status:  "ok",
		Uptime:  uptime.Round(time.Second).String(),
		Version: version,
	}
}
