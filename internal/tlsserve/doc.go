// Package tlsserve is what every rtdev HTTPS listener shares, rtdev serve
// and rtdev proxy alike: where it listens (Listen: both loopbacks by
// default, every interface with --lan; a ListenError for a port that
// cannot be had), one server TLS configuration (TLS 1.2 or newer, AEAD
// suites only), the project certificate served from its files and picked
// up again when rtdev init renews it in place (CertReloader), and the
// --static file handler that refuses a folder holding the key, the CA or
// .git.
//
// It lives apart from the signaling server so the proxy can listen and
// serve with the same policy and certificate without linking devserver or
// go-redis.
package tlsserve
