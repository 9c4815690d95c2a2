// Package checkpage serves rtdev's own check page under /rtdev/: a page
// that proves, in the browser that opens it, that the page came over
// trusted HTTPS, that a WSS connection to the signaling server opens with
// the PeerJS protocol, and — opened in two tabs, or on a laptop and a
// phone paired by a short code through the server — that two peers
// connect an RTCDataChannel and pass a message both ways. Opened on this
// machine by a LAN address, it also opens wss://localhost, as an app that
// hard-codes localhost would, and says whether Chrome's Local Network
// Access held or refused it and which host to use instead. Without a LAN
// address it shows the command that adds one (Config.LANCommand), never a
// QR code of localhost. Its icon is at favicon.ico (ServeFavicon).
//
// It also serves the phone setup page (/rtdev/phone: the CA's fingerprint,
// install steps for the visitor's platform first, a QR code) and the public
// CA certificate as ca.pem, rtdev-ca.crt (DER, for Android) and
// rtdev-ca.mobileconfig (an unsigned iOS profile), never a key; PlainPaths
// lists these, the only paths rtdev serve answers over plain HTTP. And a
// JSON health document (/rtdev/health). The pages are our own HTML and
// JavaScript with no third-party code, so they work on a machine with no
// network.
package checkpage
