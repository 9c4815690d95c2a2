// Package checkpage serves rtdev's own check page under /rtdev/: a page
// that proves, in the browser that opens it, that the page came over
// trusted HTTPS, that a WSS connection to the signaling server opens with
// the PeerJS protocol, and — opened in two tabs — that two peers connect an
// RTCDataChannel through the server and pass a message both ways.
//
// It also serves the public CA certificate (/rtdev/ca.pem, for installing on
// a phone; never a key) and a JSON health document (/rtdev/health). The page
// is our own HTML and JavaScript with no third-party code, so it works on a
// machine with no network.
package checkpage
