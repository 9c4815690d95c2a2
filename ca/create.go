package ca

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/rtdev/rtdev/internal/fsutil"
)

// CreateOptions says what a new CA permits and who owns it.
type CreateOptions struct {
	// Hostname is the machine's name: a DNS subtree when PlanConstraints
	// allows it (Hostname.local is under "local" already).
	Hostname string
	// Hosts are the rtdev.toml and --host names given at creation, each
	// with its origin, which decides the rules it is held to.
	Hosts         []HostRequest
	Unconstrained bool      // no name constraints at all (--unconstrained)
	Owner         string    // "user@host", shown in the subject (OU), as mkcert does
	Now           time.Time // zero = time.Now()
}

// CA is a loaded or new certificate authority.
type CA struct {
	Dir     string
	Cert    *x509.Certificate
	CertPEM []byte
	Key     crypto.Signer // nil when loaded keyless (see LoadCert)
}

// ErrExists is returned by Create when the folder already holds a CA (or
// part of one): a CA is never overwritten, since the old one may be trusted
// and may have signed certificates in use.
var ErrExists = errors.New("a CA already exists")

// Organization is the subject organization of every rtdev CA, which is how
// a certificate from another machine's rtdev CA is still recognised.
const Organization = "rtdev development CA"

// caValidityYears is the CA lifetime, as mkcert's.
const caValidityYears = 10

// clockSkew backdates NotBefore: phones and VMs with a slightly late clock
// would otherwise reject a certificate made a moment ago.
const clockSkew = time.Hour

// Create makes a new CA in dir: the folder 0700, ca.pem 0644 and
// ca-key.pem 0600, each written atomically while dir is locked. It refuses
// with ErrExists when dir already has either file.
func Create(dir string, o CreateOptions) (*CA, error) {
	unlock, err := fsutil.Lock(dir)
	if err != nil {
		return nil, fmt.Errorf("create CA: %w", err)
	}
	defer unlock()
	return create(dir, o)
}

// LoadOrCreate loads the CA in dir or, when there is none, creates it. The
// check and the creation happen under one lock, so concurrent runs (threads
// or processes) end up with one CA and exactly one of them reports created.
func LoadOrCreate(dir string, o CreateOptions) (ca *CA, created bool, err error) {
	unlock, err := fsutil.Lock(dir)
	if err != nil {
		return nil, false, fmt.Errorf("load or create CA: %w", err)
	}
	defer unlock()
	c, err := Load(dir)
	if err == nil {
		return c, false, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return nil, false, err
	}
	c, err = create(dir, o)
	if err != nil {
		return nil, false, err
	}
	return c, true, nil
}

// create does the work of Create; the caller holds the lock.
func create(dir string, o CreateOptions) (*CA, error) {
	certPath, keyPath := filepath.Join(dir, CertFileName), filepath.Join(dir, KeyFileName)
	for _, p := range []string{certPath, keyPath} {
		if _, err := os.Lstat(p); err == nil {
			return nil, fmt.Errorf("create CA: %w: %s (move the folder away to start over; rtdev never overwrites a CA)", ErrExists, p)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("create CA: %w", err)
		}
	}
	// Lock made the folder; tighten it in case it already existed with a
	// wider mode (umask, or a folder made by hand).
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create CA: %w", err)
	}

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("create CA key: %w", err)
	}
	tmpl, err := caTemplate(key.Public(), o)
	if err != nil {
		return nil, fmt.Errorf("create CA: %w", err)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("sign CA certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse new CA certificate: %w", err)
	}
	keyPEM, err := marshalKeyPEM(key)
	if err != nil {
		return nil, fmt.Errorf("create CA: %w", err)
	}
	pemCert := certPEM(der)
	// The key goes first: ca.pem is what marks the folder as holding a CA
	// (Load reports ErrNotFound without it), so a crash in between leaves a
	// stray key that Create refuses to overwrite, never a CA without its key.
	if err := fsutil.WriteFileAtomic(keyPath, keyPEM, 0o600); err != nil {
		return nil, fmt.Errorf("save CA key: %w", err)
	}
	if err := fsutil.WriteFileAtomic(certPath, pemCert, 0o644); err != nil {
		return nil, fmt.Errorf("save CA certificate: %w", err)
	}
	if err := saveWidenings(dir, o); err != nil {
		return nil, err
	}
	return &CA{Dir: dir, Cert: cert, CertPEM: pemCert, Key: key}, nil
}

func caTemplate(pub crypto.PublicKey, o CreateOptions) (*x509.Certificate, error) {
	now := o.Now
	if now.IsZero() {
		now = time.Now()
	}
	serial, ski, err := serialAndKeyID(pub)
	if err != nil {
		return nil, err
	}
	subject := pkix.Name{Organization: []string{Organization}, CommonName: "rtdev CA"}
	if o.Owner != "" {
		// iOS lists a root under Certificate Trust Settings by its CN
		// (mkcert issue #47), so the CN names the owner too.
		subject.OrganizationalUnit = []string{o.Owner}
		subject.CommonName = "rtdev CA " + o.Owner
	}
	notBefore := now.Add(-clockSkew)
	t := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               subject,
		NotBefore:             notBefore,
		NotAfter:              notBefore.AddDate(caValidityYears, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            0,
		MaxPathLenZero:        true,
		// Set explicitly, so leaves signed with this template (not only the
		// parsed certificate) also get an AKI: x509.CreateCertificate copies
		// it from the parent's SubjectKeyId.
		SubjectKeyId: ski,
		// An EKU on the root bounds what it may vouch for: Windows (and
		// NSS) intersect it with the leaf's, so a leaked key cannot sign
		// code or mail. Leaves stay within it: serverAuth, plus clientAuth
		// for --client.
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	if o.Unconstrained {
		return t, nil
	}
	plan, err := PlanConstraints(o)
	if err != nil {
		return nil, err
	}
	// Critical, as RFC 5280 §4.2.1.10 requires, so a verifier that cannot
	// process the constraints rejects the chain instead of ignoring them.
	t.PermittedDNSDomainsCritical = true
	t.PermittedDNSDomains = plan.DNS
	t.PermittedIPRanges = plan.Nets
	// Without email and URI subtrees those name forms would be unrestricted,
	// and a leaked key could mint client certificates for any mailbox or
	// SPIFFE-style URI. The strict RFC reading (OpenSSL's) needs both "d"
	// (that host) and ".d" (hosts below it).
	for _, d := range plan.DNS {
		t.PermittedEmailAddresses = append(t.PermittedEmailAddresses, d, "."+d)
	}
	t.PermittedURIDomains = plan.URIs
	return t, nil
}

func singleAddress(ip net.IP) *net.IPNet {
	if ip4 := ip.To4(); ip4 != nil {
		return &net.IPNet{IP: ip4, Mask: net.CIDRMask(32, 32)}
	}
	return &net.IPNet{IP: ip, Mask: net.CIDRMask(128, 128)}
}

// Fingerprint is the SHA-256 of the CA certificate's DER, lowercase hex
// without colons.
func (c *CA) Fingerprint() string {
	sum := sha256.Sum256(c.Cert.Raw)
	return hex.EncodeToString(sum[:])
}

// UniqueName identifies this CA in stores that need a label: the NSS
// nickname, the Java keystore alias, the Linux anchor file name. mkcert uses
// the serial; the fingerprint prefix is shorter and just as unique.
func (c *CA) UniqueName() string {
	return Organization + " " + c.Fingerprint()[:16]
}
