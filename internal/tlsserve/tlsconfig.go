package tlsserve

import "crypto/tls"

// aeadSuites are the TLS 1.2 suites rtdev offers: ECDHE key exchange with
// an AEAD cipher only, for both ECDSA leaves (the default) and RSA ones
// (--rsa). The CBC-mode suites Go still enables by default for TLS 1.2 are
// left out: they are the "obsolete CBC ciphers" testssl.sh flags, and their
// MAC-then-encrypt design is what Lucky Thirteen attacks (RFC 7457 §2.8).
// Every client rtdev targets (browsers, Node, Python, Java 8+, curl) speaks
// one of these or TLS 1.3, whose suites Go does not let a server configure.
var aeadSuites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

// Config is the server TLS configuration of every rtdev listener (serve,
// and the proxy): TLS 1.2 or newer, AEAD suites only, the certificate from
// getCert so a renewed one is picked up without a restart.
func Config(getCert func(*tls.ClientHelloInfo) (*tls.Certificate, error)) *tls.Config {
	return &tls.Config{
		GetCertificate: getCert,
		MinVersion:     tls.VersionTLS12,
		CipherSuites:   aeadSuites,
	}
}
