// Package tlsserve is what every rtdev HTTPS listener shares, rtdev serve
// and rtdev proxy alike: one server TLS configuration (TLS 1.2 or newer,
// AEAD suites only), the project certificate served from its files and
// picked up again when rtdev init renews it in place (CertReloader), and
// the --static file handler that refuses a folder holding the key, the CA
// or .git.
//
// It lives apart from the signaling server so the proxy can serve with
// the same certificate and policy without linking devserver, its
// WebSocket library or go-redis.
package tlsserve
