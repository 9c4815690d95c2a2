package ca

// Checks against the real tools clients use: OpenSSL 3's verifier and
// PKCS#12 reader, and Python's ssl module in strict mode. In CI (CI=true) a
// missing tool fails the test; elsewhere it skips with the reason.

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rtdev/rtdev/internal/testtool"
)

// toolTimeout bounds every external command, so a hung tool fails the test
// instead of the whole run.
const toolTimeout = time.Minute

// run runs a tool and returns its combined output and error.
func run(t *testing.T, name string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), toolTimeout)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	return string(out), err
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	writeFile(t, p, data, 0o600)
	return p
}

func TestOpenSSLVerifiesEveryLeafKind(t *testing.T) {
	openssl := testtool.Need(t, "openssl")
	c := newCA(t, constrainedOpts())
	caFile := writeTemp(t, "ca.pem", c.CertPEM)
	kinds := []struct {
		name    string
		o       LeafOptions
		purpose string
	}{
		{"ecdsa", LeafOptions{Names: mustNames(t, "localhost", "127.0.0.1", "192.168.1.20")}, "sslserver"},
		{"rsa", LeafOptions{Names: mustNames(t, "localhost", "::1"), KeyType: RSA}, "sslserver"},
		{"wildcard", LeafOptions{Names: mustNames(t, "*.app.localhost", "app.localhost")}, "sslserver"},
		{"ipv6", LeafOptions{Names: mustNames(t, "::1", "fe80::1", "fd00::5")}, "sslserver"},
		{"typed public address", LeafOptions{Names: mustNames(t, "203.0.113.7")}, "sslserver"},
		{"client", LeafOptions{Names: mustNames(t, "dev@app.test", "spiffe://app.home.arpa/ns/dev", "localhost"), Client: true}, "sslclient"},
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			l, err := c.Issue(k.o)
			if err != nil {
				t.Fatal(err)
			}
			leafFile := writeTemp(t, "leaf.pem", l.CertPEM)
			out, err := run(t, openssl, "verify", "-x509_strict", "-purpose", k.purpose, "-CAfile", caFile, leafFile)
			if err != nil || !strings.Contains(out, leafFile+": OK") {
				t.Fatalf("openssl verify: %v\n%s", err, out)
			}
		})
	}
}

// TestOpenSSLAgreesOnConstraints runs OpenSSL's verifier on a leaf signed
// for each name of constraintCases, bypassing Issue: OpenSSL must accept
// exactly the names Permits accepts.
func TestOpenSSLAgreesOnConstraints(t *testing.T) {
	openssl := testtool.Need(t, "openssl")
	c := newCA(t, constrainedOpts())
	caFile := writeTemp(t, "ca.pem", c.CertPEM)
	for _, tt := range constraintCases {
		t.Run(tt.name, func(t *testing.T) {
			leaf := signBypass(t, c, mustNames(t, tt.name))
			leafFile := writeTemp(t, "leaf.pem", leaf.CertPEM)
			out, err := run(t, openssl, "verify", "-x509_strict", "-CAfile", caFile, leafFile)
			if tt.permits && err != nil {
				t.Fatalf("openssl rejects %s, which Permits allows: %v\n%s", tt.name, err, out)
			}
			if !tt.permits {
				if err == nil {
					t.Fatalf("openssl accepts %s, which Permits refuses:\n%s", tt.name, out)
				}
				if !strings.Contains(out, "subtree violation") && !strings.Contains(out, "name constraint") {
					t.Fatalf("openssl rejects %s for another reason:\n%s", tt.name, out)
				}
			}
		})
	}
}

func TestOpenSSLReadsModernPKCS12(t *testing.T) {
	openssl := testtool.Need(t, "openssl")
	if out, _ := run(t, openssl, "version"); !strings.HasPrefix(out, "OpenSSL 3") {
		t.Fatalf("want OpenSSL 3 (the version that rejects legacy PKCS#12), have %s", out)
	}
	c := newCA(t, CreateOptions{})
	for _, kt := range []KeyType{ECDSA, RSA} {
		t.Run(string(kt), func(t *testing.T) {
			_, pw, data := issueP12(t, c, kt)
			p12 := writeTemp(t, "cert.p12", data)
			// No -legacy: OpenSSL 3's default provider must read it, as
			// Node 17+ does.
			out, err := run(t, openssl, "pkcs12", "-info", "-in", p12, "-passin", "pass:"+pw, "-noout")
			if err != nil {
				t.Fatalf("openssl pkcs12 -info: %v\n%s", err, out)
			}
			for _, want := range []string{"PBES2", "AES-256-CBC", "MAC: sha256"} {
				if !strings.Contains(out, want) {
					t.Errorf("openssl pkcs12 -info output lacks %q:\n%s", want, out)
				}
			}
			if out, err := run(t, openssl, "pkcs12", "-info", "-in", p12, "-passin", "pass:wrong", "-noout"); err == nil {
				t.Errorf("openssl read the .p12 with a wrong password:\n%s", out)
			}
		})
	}
}

// pythonClient connects to 127.0.0.1:port with each server_hostname, in the
// strict mode Python 3.13+ uses by default (python/cpython#107361), and
// prints what the server sent.
const pythonClient = `
import socket, ssl, sys
cafile, port = sys.argv[1], int(sys.argv[2])
ctx = ssl.create_default_context(cafile=cafile)
ctx.verify_flags |= ssl.VERIFY_X509_STRICT
for host in sys.argv[3:]:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        with ctx.wrap_socket(sock, server_hostname=host) as tls:
            print(host, tls.version(), tls.recv(16).decode().strip())
`

// serveTLS answers every connection with "hello" over TLS using l.
func serveTLS(t *testing.T, l *Leaf) string {
	t.Helper()
	cert := tls.Certificate{Certificate: [][]byte{l.Cert.Raw}, PrivateKey: l.Key, Leaf: l.Cert}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	testtool.Serve(t, ln, func(conn net.Conn) {
		_ = conn.SetDeadline(time.Now().Add(toolTimeout))
		if conn.(*tls.Conn).Handshake() == nil {
			fmt.Fprintln(conn, "hello")
		}
	})
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

func TestPythonStrictHandshake(t *testing.T) {
	python := testtool.Python(t)
	c := newCA(t, constrainedOpts())
	caFile := writeTemp(t, "ca.pem", c.CertPEM)
	for _, kt := range []KeyType{ECDSA, RSA} {
		t.Run(string(kt), func(t *testing.T) {
			l, err := c.Issue(LeafOptions{Names: mustNames(t, "localhost", "127.0.0.1", "::1"), KeyType: kt})
			if err != nil {
				t.Fatal(err)
			}
			port := serveTLS(t, l)
			out, err := run(t, python, "-c", pythonClient, caFile, port, "localhost", "127.0.0.1")
			if err != nil {
				t.Fatalf("python strict handshake: %v\n%s", err, out)
			}
			for _, host := range []string{"localhost", "127.0.0.1"} {
				if !strings.Contains(out, host+" TLSv1.3 hello") {
					t.Errorf("python output lacks a TLS 1.3 exchange with %s:\n%s", host, out)
				}
			}
		})
	}

	// Control: the same client refuses a leaf without an Authority Key
	// Identifier (what signing with a CA lacking SubjectKeyId produces), so
	// the strict flag is really in effect.
	noSKI := *c.Cert
	noSKI.SubjectKeyId = nil
	noAKI := signBypass(t, &CA{Cert: &noSKI, Key: c.Key}, mustNames(t, "localhost"))
	if len(noAKI.Cert.AuthorityKeyId) != 0 {
		t.Fatalf("the control leaf has an AKI (%x)", noAKI.Cert.AuthorityKeyId)
	}
	port := serveTLS(t, noAKI)
	out, err := run(t, python, "-c", pythonClient, caFile, port, "localhost")
	var ee *exec.ExitError
	if !errors.As(err, &ee) || !strings.Contains(out, "Missing Authority Key Identifier") {
		t.Fatalf("python strict mode accepted a leaf without AKI (err %v):\n%s", err, out)
	}
}
