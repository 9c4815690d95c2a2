// Package netaddr holds the one rule for "this machine" that every check of
// a committed rtdev.toml applies (a proxy or route target, a release_url
// over http://, the cluster's Redis, a client of a loopback-only route),
// and the one range of valid ports.
package netaddr

import (
	"net/netip"
	"strings"
)

// Loopback reports whether host (a name or address, no port, no brackets)
// is this machine: localhost, or an address in 127.0.0.0/8 or ::1.
func Loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}

// LoopbackPeer reports whether a connection's remote address ("ip:port", as
// http.Request.RemoteAddr) is on this machine. Only an address counts, never
// a name: a peer address is never "localhost".
func LoopbackPeer(remoteAddr string) bool {
	ap, err := netip.ParseAddrPort(remoteAddr)
	return err == nil && ap.Addr().Unmap().IsLoopback()
}

// MaxPort is the highest TCP port; 0 is no port to listen on or dial.
const MaxPort = 65535

// PortRange is how messages name the valid ports.
const PortRange = "1 to 65535"

// ValidPort reports whether n is a TCP port from 1 to MaxPort.
func ValidPort(n int) bool { return n >= 1 && n <= MaxPort }
