// Package phone runs rtdev's phone flow for real: in two network
// namespaces the test creates and joined by a veth pair (10.99.0.1 and
// 10.99.0.2, nothing else reachable), `rtdev serve --lan` and a "laptop"
// Chromium run in one, a "phone" Chromium with an iPhone or Android
// User-Agent and an empty NSS database in the other. The phone loads the
// setup page over plain HTTP, installs rtdev-ca.crt from its link as a
// user would (certutil -t "C,,"), then opens the laptop page's pairing URL
// over HTTPS with no certificate flag and completes an RTCDataChannel round
// trip with the laptop. The terminal QR code (drawn into a PNG) and the
// pages' SVG QR codes (screenshots) decode with zbarimg to the setup URL.
//
// It needs root (namespaces), iproute2, Chromium, certutil and zbar-tools;
// in CI a missing one fails the test. Namespaces are deleted at cleanup,
// and ones left by a killed run are deleted by the next.
package phone
