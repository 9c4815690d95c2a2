package cmd

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/rtdev/rtdev/devserver"
)

// tlsserver PORT CERTFILE KEYFILE serves HTTPS on 127.0.0.1:PORT with the
// files given (the certificate file may hold the chain) until the script
// ends: the server a user restarts with the files a doctor fix names.
func cmdTLSServer(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: tlsserver PORT CERTFILE KEYFILE")
	}
	pair, err := tls.LoadX509KeyPair(ts.MkAbs(args[1]), ts.MkAbs(args[2]))
	ts.Check(err)
	ln, err := net.Listen("tcp", "127.0.0.1:"+args[0])
	ts.Check(err)
	srv := &http.Server{
		Handler:   http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "ok\n") }),
		TLSConfig: &tls.Config{Certificates: []tls.Certificate{pair}},
		// doctor ends handshakes on purpose; keep their log out of the script.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	go func() { _ = srv.ServeTLS(ln, "", "") }()
	ts.Defer(func() { _ = srv.Close() })
}

// peerjsplain PORT serves the PeerJS routes over plain HTTP on
// 127.0.0.1:PORT until the script ends, as peerjs-server run without TLS
// does: rtdev's server answers the same documented routes (GET {path}'s
// info document, the id fetch, the WebSocket).
func cmdPeerJSPlain(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: peerjsplain PORT")
	}
	h, err := devserver.New(devserver.Config{})
	ts.Check(err)
	ln, err := net.Listen("tcp", "127.0.0.1:"+args[0])
	ts.Check(err)
	srv := &http.Server{Handler: h}
	go func() { _ = srv.Serve(ln) }()
	ts.Defer(func() { _ = srv.Close() })
}

// teampki DIR writes a team's CA as a company runs one, which is not
// rtdev's: root.pem, inter.pem (signed by the root), leaf.pem for localhost
// and 127.0.0.1 (signed by the intermediate, naming it at an AIA URL that
// is not reachable from here), leaf-key.pem (0600) and fullchain.pem (the
// leaf then the intermediate).
func cmdTeamPKI(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: teampki DIR")
	}
	dir := ts.MkAbs(args[0])
	ts.Check(os.MkdirAll(dir, 0o755))
	root, rootKey := teamCert(ts, &x509.Certificate{Subject: pkix.Name{CommonName: "Team root"}, IsCA: true}, nil, nil)
	inter, interKey := teamCert(ts, &x509.Certificate{Subject: pkix.Name{CommonName: "Team intermediate"}, IsCA: true}, root, rootKey)
	leaf, leafKey := teamCert(ts, &x509.Certificate{Subject: pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		IssuingCertificateURL: []string{"http://127.0.0.1:1/team-intermediate.der"}}, inter, interKey)
	keyDER, err := x509.MarshalPKCS8PrivateKey(leafKey)
	ts.Check(err)
	certPEM := func(cs ...*x509.Certificate) []byte {
		var out []byte
		for _, c := range cs {
			out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
		}
		return out
	}
	for name, data := range map[string][]byte{
		"root.pem": certPEM(root), "inter.pem": certPEM(inter), "leaf.pem": certPEM(leaf),
		"fullchain.pem": certPEM(leaf, inter),
	} {
		ts.Check(os.WriteFile(filepath.Join(dir, name), data, 0o644))
	}
	ts.Check(os.WriteFile(filepath.Join(dir, "leaf-key.pem"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600))
}

// teamCert signs tmpl with parent's key (self-signed when parent is nil)
// for a new P-256 key, valid from an hour ago for a day.
func teamCert(ts *testscript.TestScript, tmpl, parent *x509.Certificate, parentKey crypto.Signer) (*x509.Certificate, crypto.Signer) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ts.Check(err)
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	ts.Check(err)
	tmpl.SerialNumber = serial
	tmpl.NotBefore, tmpl.NotAfter = time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour)
	if tmpl.IsCA {
		tmpl.BasicConstraintsValid, tmpl.KeyUsage = true, x509.KeyUsageCertSign
	} else {
		tmpl.KeyUsage, tmpl.ExtKeyUsage = x509.KeyUsageDigitalSignature, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}
	}
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
	ts.Check(err)
	c, err := x509.ParseCertificate(der)
	ts.Check(err)
	return c, key
}
