package doctor

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"

	"github.com/rtdev/rtdev/ca"
)

// The probed server chooses its certificate, and so the AIA URLs doctor
// fetches: each is bounded so a hostile one cannot make doctor hang, fill
// memory or reach into this machine's network (the design's trust
// boundaries).
const (
	maxIssuerBytes  = 64 << 10 // a CA certificate is a few KiB
	maxAIAURLs      = 2        // public CAs list one; a second covers a mirror
	maxAIARedirects = 2
)

// errAIAAddress is a dial refused because it leads to this machine or its
// private network.
var errAIAAddress = errors.New("AIA address is loopback or private")

// fetchIssuer downloads the certificate that issued c from its Authority
// Information Access caIssuers URL (RFC 5280 §4.2.2.1), as Chrome and the
// macOS and Windows verifiers do when a server leaves out an intermediate.
// Finding it there is what tells a missing intermediate from an unknown CA.
// It returns nil when c has no such URL or nothing usable comes back. All of
// it shares one deadline, the probe's step timeout.
func (p *prober) fetchIssuer(ctx context.Context, c *x509.Certificate) *x509.Certificate {
	ctx, cancel := context.WithTimeout(ctx, p.o.Timeout)
	defer cancel()
	client := aiaClient(p.o.aiaAddrAllowed)
	defer client.CloseIdleConnections()
	tried := 0
	for _, u := range c.IssuingCertificateURL {
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			continue
		}
		if tried == maxAIAURLs {
			break
		}
		tried++
		if got := fetchCert(ctx, client, u); got != nil && c.CheckSignatureFrom(got) == nil {
			return got
		}
	}
	return nil
}

// aiaClient is an HTTP client that dials only public addresses (checked
// on the address actually dialed, after DNS, so a name that resolves to
// 127.0.0.1 is refused too), uses no proxy, and follows at most
// maxAIARedirects redirects. allowed replaces the address rule in tests.
func aiaClient(allowed func(net.IP) bool) *http.Client {
	if allowed == nil {
		allowed = publicAddr
	}
	dialer := &net.Dialer{Control: func(_, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		if ip := net.ParseIP(host); ip == nil || !allowed(ip) {
			return fmt.Errorf("%w: %s", errAIAAddress, address)
		}
		return nil
	}}
	return &http.Client{
		Transport: &http.Transport{DialContext: dialer.DialContext, MaxResponseHeaderBytes: 16 << 10},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > maxAIARedirects {
				return fmt.Errorf("more than %d redirects", maxAIARedirects)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("redirect to %s", req.URL.Scheme)
			}
			return nil
		},
	}
}

// publicAddr is the default AIA address rule: anything but this machine,
// its private networks, and unspecified or multicast addresses.
func publicAddr(ip net.IP) bool {
	return !ca.IsPrivateAddr(ip) && !ip.IsUnspecified() && !ip.IsMulticast()
}

// fetchCert GETs one certificate, in DER (RFC 5280 says DER; some CAs serve
// PEM), reading at most maxIssuerBytes.
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
