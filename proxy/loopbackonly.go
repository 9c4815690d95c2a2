package proxy

import (
	"net/http"
	"net/netip"
	"strings"

	"github.com/rtdev/rtdev/internal/netaddr"
)

// loopbackClient reports whether r comes from a client on this machine, for
// a route marked LoopbackOnly: the connection's peer is a loopback address,
// and so is every client that a proxy in between named in X-Forwarded-For
// or Forwarded (RFC 7239).
//
// Those headers can only take the answer away. Anybody may send them, so
// believing them to grant access would let any device claim to be
// 127.0.0.1; believed only to deny, the worst a client can do is make
// itself count as remote. They are needed at all because a proxy on this
// machine connects from loopback on behalf of clients anywhere: the rtdev
// Vite plugin forwards /peerjs/ from the Vite origin (on the network under
// its lan option) to rtdev serve, whose routes answer every path there
// that PeerJS leaves alone, and it names the client in X-Forwarded-For.
func loopbackClient(r *http.Request) bool {
	if !netaddr.LoopbackPeer(r.RemoteAddr) {
		return false
	}
	for _, v := range r.Header.Values("X-Forwarded-For") {
		for _, node := range strings.Split(v, ",") {
			if !loopbackNode(node) {
				return false
			}
		}
	}
	for _, v := range r.Header.Values("Forwarded") {
		for _, elem := range strings.Split(v, ",") {
			for _, pair := range strings.Split(elem, ";") {
				k, node, ok := strings.Cut(strings.TrimSpace(pair), "=")
				if ok && strings.EqualFold(k, "for") && !loopbackNode(node) {
					return false
				}
			}
		}
	}
	return true
}

// loopbackNode reports whether one forwarded client ("127.0.0.1",
// "::ffff:127.0.0.1", `"[::1]:4711"`) is a loopback address. "unknown", an
// obfuscated identifier (RFC 7239 section 6.3) or anything else that is
// not an address does not count as loopback.
func loopbackNode(s string) bool {
	s = strings.Trim(strings.TrimSpace(s), `"`)
	if a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")); err == nil {
		return a.Unmap().IsLoopback()
	}
	ap, err := netip.ParseAddrPort(s)
	return err == nil && ap.Addr().Unmap().IsLoopback()
}
