package cmd

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/rtdev/rtdev/doctor"
	"github.com/rtdev/rtdev/internal/testtool"
	"github.com/rtdev/rtdev/internal/ui"
)

// TestDoctorEscapesProbedNames: a probed server's certificate names its
// issuer with an OSC 52 clipboard write and a bidi override; doctor's
// styled report shows them escaped, never raw.
func TestDoctorEscapesProbedNames(t *testing.T) {
	hostile := "Evil\x1b]52;c;cHduZWQ=\x07CA\u202e"
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	// An untrusted CA with the hostile name signs the server's leaf.
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: hostile},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	leafTmpl := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, leafTmpl, caCert, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}})
	if err != nil {
		t.Fatal(err)
	}
	testtool.Serve(t, ln, func(c net.Conn) { _ = c.(*tls.Conn).Handshake() })
	fs := doctor.Probe(t.Context(), "https://"+ln.Addr().String()+"/", doctor.ProbeOptions{RootCAs: x509.NewCertPool(), Timeout: 10 * time.Second})
	if !strings.Contains(fmtFindings(fs), "Evil") {
		t.Fatalf("no finding names the issuer: %v", fs)
	}
	var out bytes.Buffer
	a := &app{io: &ui.IOStreams{Out: &out, ErrOut: &out, OutTTY: true, ErrTTY: true}}
	printDoctor(a, doctor.NewReport(fs))
	got := out.String()
	if strings.Contains(got, "\x1b]52") || strings.ContainsAny(got, "\x07\u202e") {
		t.Fatalf("doctor printed a raw control sequence: %q", got)
	}
	if !strings.Contains(got, `Evil\x1b]52;c;cHduZWQ=\x07CA\u202e`) {
		t.Fatalf("doctor's report lacks the escaped name: %q", got)
	}
}

func fmtFindings(fs []doctor.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString(f.Message + "\n")
	}
	return b.String()
}
