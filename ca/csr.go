package ca

import (
	"crypto/x509"
	"errors"
	"fmt"
)

// SignCSR issues a certificate for the public key of a PEM certificate
// request. The names are o.Names when given, else the CSR's SANs, else its
// Common Name (as mkcert does for CSRs without SANs). Only the names and the
// key are taken from the CSR: the profile (key usage, EKUs, validity) is
// rtdev's, and the names are constraint-checked and the result verified as
// in Issue. o.KeyType is ignored.
func (c *CA) SignCSR(csrPEM []byte, o LeafOptions) (*Leaf, error) {
	csr, err := parseCSR(csrPEM)
	if err != nil {
		return nil, err
	}
	if len(o.Names) == 0 {
		o.Names, err = csrNames(csr)
		if err != nil {
			return nil, err
		}
	}
	if err := c.checkIssue(o); err != nil {
		return nil, err
	}
	cert, pemCert, err := c.sign(csr.PublicKey, o)
	if err != nil {
		return nil, err
	}
	return &Leaf{Cert: cert, CertPEM: pemCert}, nil
}

// CheckCSR says whether csrPEM holds a certificate request SignCSR can
// read, so a caller can refuse a wrong file before it creates a CA to sign
// it with.
func CheckCSR(csrPEM []byte) error {
	_, err := parseCSR(csrPEM)
	return err
}

func parseCSR(data []byte) (*x509.CertificateRequest, error) {
	// "NEW CERTIFICATE REQUEST" is what older Netscape-era and Windows
	// tools write.
	b, err := firstPEM(data, "CERTIFICATE REQUEST", "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST")
	if err != nil {
		return nil, fmt.Errorf("read CSR: %w", err)
	}
	csr, err := x509.ParseCertificateRequest(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("read CSR: %w", err)
	}
	// Proof of possession: the requester holds the private key.
	if err := csr.CheckSignature(); err != nil {
		return nil, fmt.Errorf("read CSR: bad signature: %w", err)
	}
	return csr, nil
}

func csrNames(csr *x509.CertificateRequest) ([]Name, error) {
	var raw []string
	for _, n := range certNames(csr.DNSNames, csr.IPAddresses, csr.EmailAddresses, csr.URIs) {
		raw = append(raw, n.Value)
	}
	if len(raw) == 0 && csr.Subject.CommonName != "" {
		raw = []string{csr.Subject.CommonName}
	}
	if len(raw) == 0 {
		return nil, errors.New("read CSR: it names no host (no subjectAltName and no Common Name)")
	}
	names, err := ParseNames(raw)
	if err != nil {
		return nil, fmt.Errorf("read CSR: %w", err)
	}
	return names, nil
}
