package doctor

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/http"
	"strings"
)

// maxIssuerBytes bounds an AIA download; a CA certificate is a few KiB.
const maxIssuerBytes = 64 << 10

// fetchIssuer downloads the certificate that issued c from its Authority
// Information Access caIssuers URL (RFC 5280 §4.2.2.1), as Chrome and the
// macOS and Windows verifiers do when a server leaves out an intermediate.
// Finding it there is what tells a missing intermediate from an unknown CA.
// It returns nil when c has no such URL or nothing usable comes back.
func (p *prober) fetchIssuer(ctx context.Context, c *x509.Certificate) *x509.Certificate {
	client := &http.Client{Timeout: p.o.Timeout}
	for _, u := range c.IssuingCertificateURL {
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			continue
		}
		if got := fetchCert(ctx, client, u); got != nil && c.CheckSignatureFrom(got) == nil {
			return got
		}
	}
	return nil
}

// fetchCert GETs one certificate, in DER (RFC 5280 says DER; some CAs serve
// PEM).
func fetchCert(ctx context.Context, client *http.Client, url string) *x509.Certificate {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxIssuerBytes))
	if err != nil {
		return nil
	}
	if b, _ := pem.Decode(data); b != nil && b.Type == "CERTIFICATE" {
		data = b.Bytes
	}
	cert, err := x509.ParseCertificate(data)
	if err != nil {
		return nil
	}
	return cert
}
