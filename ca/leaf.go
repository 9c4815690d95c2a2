package ca

import (
	"crypto"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"slices"
	"time"
)

// LeafOptions describes a leaf certificate to issue.
type LeafOptions struct {
	Names    []Name
	KeyType  KeyType       // "" = ECDSA
	Validity time.Duration // 0 = DefaultValidity; more than MaxValidity is an error
	Client   bool          // add the clientAuth EKU
	Now      time.Time     // zero = time.Now()
}

// Leaf is an issued (or loaded) leaf certificate.
type Leaf struct {
	Cert    *x509.Certificate
	CertPEM []byte
	Key     crypto.Signer // nil for a certificate signed from a CSR
	KeyPEM  []byte        // PKCS#8
}

// errKeyless is returned when a CA loaded without its key is asked to sign.
var errKeyless = errors.New("the CA was loaded without its key")

// Issue checks every name against the CA's constraints, makes a new key and
// certificate, and verifies the certificate against the CA (as the only
// root) before returning it, so a bad leaf is never written anywhere.
func (c *CA) Issue(o LeafOptions) (*Leaf, error) {
	if err := c.checkIssue(o); err != nil {
		return nil, err
	}
	key, err := generateKey(o.KeyType)
	if err != nil {
		return nil, fmt.Errorf("issue certificate: generate key: %w", err)
	}
	cert, pemCert, err := c.sign(key.Public(), o)
	if err != nil {
		return nil, err
	}
	keyPEM, err := marshalKeyPEM(key)
	if err != nil {
		return nil, fmt.Errorf("issue certificate: %w", err)
	}
	return &Leaf{Cert: cert, CertPEM: pemCert, Key: key, KeyPEM: keyPEM}, nil
}

// checkIssue is everything that can be refused before any key is made.
func (c *CA) checkIssue(o LeafOptions) error {
	if c.Key == nil {
		return fmt.Errorf("issue certificate: %w", errKeyless)
	}
	if len(o.Names) == 0 {
		return errors.New("issue certificate: no names given")
	}
	if o.Validity != 0 {
		if err := checkValidity(o.Validity); err != nil {
			return fmt.Errorf("issue certificate: %w", err)
		}
	}
	if err := c.Check(o.Names); err != nil {
		return fmt.Errorf("issue certificate: %w", err)
	}
	return nil
}

// sign builds, signs and verifies a leaf for pub.
func (c *CA) sign(pub crypto.PublicKey, o LeafOptions) (*x509.Certificate, []byte, error) {
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	if now.After(c.Cert.NotAfter) {
		return nil, nil, fmt.Errorf("issue certificate: the CA expired on %s; create a new CA folder", c.Cert.NotAfter.Format(time.DateOnly))
	}
	validity := o.Validity
	if validity == 0 {
		validity = DefaultValidity
	}
	tmpl, err := c.leafTemplate(pub, o.Names, o.Client, now, validity)
	if err != nil {
		return nil, nil, fmt.Errorf("issue certificate: %w", err)
	}
	// The parsed CA certificate is the parent: its SubjectKeyId becomes the
	// leaf's Authority Key Identifier (python/cpython#107361).
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.Cert, pub, c.Key)
	if err != nil {
		return nil, nil, fmt.Errorf("issue certificate: sign: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, fmt.Errorf("issue certificate: parse: %w", err)
	}
	if err := c.verify(cert, now); err != nil {
		return nil, nil, fmt.Errorf("issue certificate: the new certificate does not verify against the CA: %w", err)
	}
	return cert, certPEM(der), nil
}

func (c *CA) leafTemplate(pub crypto.PublicKey, names []Name, client bool, now time.Time, validity time.Duration) (*x509.Certificate, error) {
	serial, ski, err := serialAndKeyID(pub)
	if err != nil {
		return nil, err
	}
	ku, err := keyUsageFor(pub)
	if err != nil {
		return nil, err
	}
	dns, ips, emails, uris := sanNames(names)
	subject := pkix.Name{Organization: []string{"rtdev development certificate"}, OrganizationalUnit: c.Cert.Subject.OrganizationalUnit}
	if len(dns) > 0 {
		// Never an IP in the CN: name matching uses the SAN only (RFC 6125
		// §6.4.4), and an IP in the CN confuses old verifiers.
		subject.CommonName = dns[0]
	}
	eku := []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	if client {
		eku = append(eku, x509.ExtKeyUsageClientAuth)
	}
	// S/MIME use of an email name, as mkcert gives it, only under a CA
	// whose own EKU allows it: a CA made before rtdev set an EKU on roots.
	// Verifiers that nest EKUs (NSS, Windows) would refuse it otherwise.
	if len(emails) > 0 && (len(c.Cert.ExtKeyUsage) == 0 || slices.Contains(c.Cert.ExtKeyUsage, x509.ExtKeyUsageEmailProtection)) {
		eku = append(eku, x509.ExtKeyUsageEmailProtection)
	}
	// NotAfter-NotBefore is exactly the validity, backdating included, so
	// limits that count the whole period hold: Apple's 825 days, and the
	// 14 days of WebTransport's serverCertificateHashes.
	// A very short validity is backdated less, so it is not spent before
	// it is issued.
	notBefore := now.Add(-min(clockSkew, validity/4))
	notAfter := notBefore.Add(validity)
	if notAfter.After(c.Cert.NotAfter) {
		notAfter = c.Cert.NotAfter // a leaf cannot outlive the root that vouches for it
	}
	return &x509.Certificate{
		SerialNumber:          serial,
		Subject:               subject,
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              ku,
		ExtKeyUsage:           eku,
		BasicConstraintsValid: true,
		IsCA:                  false,
		SubjectKeyId:          ski,
		DNSNames:              dns,
		IPAddresses:           ips,
		EmailAddresses:        emails,
		URIs:                  uris,
	}, nil
}

// verify runs Go's verifier with this CA as the only root. It checks the
// signature, the validity period and the CA's name constraints for every
// SAN, exactly what a client will do.
func (c *CA) verify(cert *x509.Certificate, now time.Time) error {
	roots := x509.NewCertPool()
	roots.AddCert(c.Cert)
	_, err := cert.Verify(x509.VerifyOptions{
		Roots:       roots,
		CurrentTime: now,
		KeyUsages:   []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	return err
}

// LoadLeaf reads a leaf certificate and, unless keyPath is "", its key,
// which must belong to the certificate.
func LoadLeaf(certPath, keyPath string) (*Leaf, error) {
	cert, err := readCertFile(certPath)
	if err != nil {
		return nil, fmt.Errorf("load certificate: %w", err)
	}
	l := &Leaf{Cert: cert, CertPEM: certPEM(cert.Raw)}
	if keyPath == "" {
		return l, nil
	}
	l.Key, l.KeyPEM, err = readKeyFile(keyPath, cert.PublicKey, certPath)
	if err != nil {
		return nil, fmt.Errorf("load key: %w", err)
	}
	return l, nil
}

// Names lists the certificate's SAN names: DNS, then IP, email, URI.
func (l *Leaf) Names() []Name {
	return certNames(l.Cert.DNSNames, l.Cert.IPAddresses, l.Cert.EmailAddresses, l.Cert.URIs)
}
