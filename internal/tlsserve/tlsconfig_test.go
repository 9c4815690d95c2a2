package tlsserve

import (
	"crypto/tls"
	"net"
	"testing"
	"time"

	"github.com/rtdev/rtdev/internal/testpki"
	"github.com/rtdev/rtdev/internal/testtool"
)

// TestConfigOffersAEADOnly dials a listener using Config with TLS 1.2
// clients: one offering only CBC suites is refused, one offering AES-GCM (or
// ChaCha20) is accepted; TLS 1.3 is unchanged.
func TestConfigOffersAEADOnly(t *testing.T) {
	pki := testpki.New(t, "tls.localhost")
	conf := Config(func(*tls.ClientHelloInfo) (*tls.Certificate, error) { return &pki.Cert, nil })
	ln, err := tls.Listen("tcp", "127.0.0.1:0", conf)
	if err != nil {
		t.Fatal(err)
	}
	testtool.Serve(t, ln, func(c net.Conn) {
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		_ = c.(*tls.Conn).Handshake()
	})
	cbc := []uint16{
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
	}
	for _, tc := range []struct {
		name   string
		max    uint16
		suites []uint16
		ok     bool
	}{
		{"TLS 1.2 CBC only", tls.VersionTLS12, cbc, false},
		{"TLS 1.2 AES-GCM", tls.VersionTLS12, []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}, true},
		{"TLS 1.2 ChaCha20", tls.VersionTLS12, []uint16{tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256}, true},
		{"TLS 1.2 CBC and GCM picks GCM", tls.VersionTLS12, append(cbc, tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384), true},
		{"TLS 1.3", tls.VersionTLS13, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cc := pki.ClientConfig()
			cc.MaxVersion, cc.CipherSuites, cc.ServerName = tc.max, tc.suites, "localhost"
			d := &net.Dialer{Timeout: 10 * time.Second}
			conn, err := tls.DialWithDialer(d, "tcp", ln.Addr().String(), cc)
			if !tc.ok {
				if err == nil {
					t.Fatalf("handshake succeeded with %s", tls.CipherSuiteName(conn.ConnectionState().CipherSuite))
				}
				return
			}
			if err != nil {
				t.Fatalf("handshake: %v", err)
			}
			defer conn.Close()
			st := conn.ConnectionState()
			if st.Version == tls.VersionTLS12 {
				if name := tls.CipherSuiteName(st.CipherSuite); !isAEAD(st.CipherSuite) {
					t.Fatalf("negotiated %s, want an AEAD suite", name)
				}
			}
		})
	}
}

func isAEAD(id uint16) bool {
	for _, s := range aeadSuites {
		if s == id {
			return true
		}
	}
	return false
}
