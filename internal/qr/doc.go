// Package qr turns a URL into QR code modules, with the quiet zone a phone
// camera needs, and draws them as one SVG path. The encoding itself
// (Reed-Solomon, masks, versions) is github.com/piglig/go-qr's; only the
// drawing is ours. The terminal drawing (half blocks) is internal/ui's.
package qr
