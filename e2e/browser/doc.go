// Package browser drives Debian's headless Chromium against `rtdev serve`:
// the CA is trusted only through the NSS database of a throwaway HOME (no
// certificate flag), two pages connect with the unmodified peerjs 1.5.5
// client from npm and exchange data both ways over a DataConnection, and
// rtdev's own check page (/rtdev/) reports HTTPS, WSS and a peer-to-peer
// data channel as passed in two tabs, and a reloaded tab still gets a
// pairing code (it gives its old one back as it goes). A control shows that the same browser
// refuses the page while the CA is not trusted. With Chrome's Local Network
// Access checks turned on, in a network namespace playing a laptop with a
// 198.18.0.0/15 address, the check page opened by that address reports its
// socket to localhost refused and names the host to use, and the socket
// opens once CDP grants the loopback-network permission; without --lan the
// page prints the command that adds it, which the test runs as printed.
//
// The package holds only tests; testdata/page.html is the page the peerjs
// test serves with --static.
package browser
