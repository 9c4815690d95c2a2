package ca

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"slices"
	"strings"
)

// KeyType is the leaf key algorithm.
type KeyType string

// Leaf key types. The CA itself is always ECDSA P-256.
const (
	ECDSA KeyType = "ecdsa" // P-256
	RSA   KeyType = "rsa"   // 2048-bit: Create React App needs RSA (facebook/create-react-app#10653)
)

// rsaBits is the leaf RSA size: the minimum Apple and the CA/B Forum accept.
const rsaBits = 2048

// ParseKeyType parses "ecdsa" (or "") and "rsa", case-insensitively.
func ParseKeyType(s string) (KeyType, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "ecdsa", "ec", "p256", "p-256":
		return ECDSA, nil
	case "rsa", "rsa2048":
		return RSA, nil
	}
	return "", fmt.Errorf("unknown key type %q: use ecdsa or rsa", s)
}

func generateKey(t KeyType) (crypto.Signer, error) {
	switch t {
	case "", ECDSA:
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case RSA:
		return rsa.GenerateKey(rand.Reader, rsaBits)
	}
	return nil, fmt.Errorf("unknown key type %q: use ecdsa or rsa", t)
}

// randomSerial returns a positive 128-bit serial, as mkcert and the CA/B
// Forum baseline (at least 64 bits of entropy) ask.
func randomSerial() (*big.Int, error) {
	limit := new(big.Int).Lsh(big.NewInt(1), 128)
	for {
		n, err := rand.Int(rand.Reader, limit)
		if err != nil {
			return nil, fmt.Errorf("generate serial number: %w", err)
		}
		if n.Sign() > 0 {
			return n, nil
		}
	}
}

// serialAndKeyID returns the two identifiers every new certificate needs: a
// random serial and the Subject Key Identifier of pub.
func serialAndKeyID(pub crypto.PublicKey) (*big.Int, []byte, error) {
	serial, err := randomSerial()
	if err != nil {
		return nil, nil, err
	}
	ski, err := subjectKeyID(pub)
	if err != nil {
		return nil, nil, err
	}
	return serial, ski, nil
}

// subjectKeyID is method 1 of RFC 7093 §2: the leftmost 160 bits of the
// SHA-256 of the subjectPublicKey BIT STRING. It is set on every template
// explicitly: x509.CreateCertificate only derives it for CA templates, and
// the leaf's AKI is copied from the parent's SKI, which Python 3.13+'s strict
// verification requires (python/cpython#107361).
func subjectKeyID(pub crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("marshal public key: %w", err)
	}
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(der, &spki); err != nil {
		return nil, fmt.Errorf("parse public key: %w", err)
	}
	sum := sha256.Sum256(spki.PublicKey.Bytes)
	return sum[:20], nil
}

// marshalKeyPEM encodes a private key as PKCS#8 PEM ("PRIVATE KEY"), the
// form every target reads (Node, Go, Python, PHP, Deno, Bun; Spring Boot asks
// for PKCS#8 "wherever possible").
func marshalKeyPEM(k crypto.Signer) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, fmt.Errorf("encode private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

func certPEM(der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

// firstPEM returns the first PEM block of one of types, skipping others
// (a bundle may hold comments, certificates and keys in any order).
func firstPEM(data []byte, what string, types ...string) (*pem.Block, error) {
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return nil, fmt.Errorf("no %s PEM block", what)
		}
		if slices.Contains(types, b.Type) {
			return b, nil
		}
	}
}

// parseCertPEM returns the first CERTIFICATE block.
func parseCertPEM(data []byte) (*x509.Certificate, error) {
	b, err := firstPEM(data, "CERTIFICATE", "CERTIFICATE")
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(b.Bytes)
}

// parseKeyPEM reads PKCS#8, and also the SEC 1 and PKCS#1 forms other tools
// (OpenSSL 1.x, older mkcert keys) write.
func parseKeyPEM(data []byte) (crypto.Signer, error) {
	b, err := firstPEM(data, "private key", "PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY")
	if err != nil {
		return nil, err
	}
	var k any
	switch b.Type {
	case "PRIVATE KEY":
		k, err = x509.ParsePKCS8PrivateKey(b.Bytes)
	case "EC PRIVATE KEY":
		k, err = x509.ParseECPrivateKey(b.Bytes)
	default:
		k, err = x509.ParsePKCS1PrivateKey(b.Bytes)
	}
	if err != nil {
		return nil, err
	}
	s, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("unsupported private key type %T", k)
	}
	return s, nil
}

// keyMatches reports whether priv is the private half of pub.
func keyMatches(priv crypto.Signer, pub crypto.PublicKey) bool {
	type equaler interface{ Equal(crypto.PublicKey) bool }
	e, ok := priv.Public().(equaler)
	return ok && e.Equal(pub)
}

// keyUsageFor is digitalSignature, plus keyEncipherment for RSA keys (RSA
// key transport in TLS 1.2; RFC 5246 §7.4.2).
func keyUsageFor(pub crypto.PublicKey) (x509.KeyUsage, error) {
	switch k := pub.(type) {
	case *ecdsa.PublicKey:
		if k.Curve.Params().BitSize < 256 {
			return 0, fmt.Errorf("ECDSA curve %s is too small", k.Curve.Params().Name)
		}
		return x509.KeyUsageDigitalSignature, nil
	case ed25519.PublicKey:
		return x509.KeyUsageDigitalSignature, nil
	case *rsa.PublicKey:
		if k.N.BitLen() < rsaBits {
			// Apple rejects RSA below 2048 bits (support.apple.com/103769).
			return 0, fmt.Errorf("RSA key of %d bits is too small (at least %d)", k.N.BitLen(), rsaBits)
		}
		return x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment, nil
	}
	return 0, fmt.Errorf("unsupported public key type %T", pub)
}

// readCertFile reads the first certificate of a PEM file.
func readCertFile(path string) (*x509.Certificate, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	cert, err := parseCertPEM(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return cert, nil
}

// readKeyFile reads a PEM private key that must belong to pub, the public
// key of the certificate at certPath. A key that does not match its
// certificate is the classic cause of a failed TLS handshake.
func readKeyFile(path string, pub crypto.PublicKey, certPath string) (crypto.Signer, []byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	key, err := parseKeyPEM(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	if !keyMatches(key, pub) {
		return nil, nil, fmt.Errorf("%s does not belong to %s", path, certPath)
	}
	return key, data, nil
}
