//go:build !linux

package project

import "net"

// temporaryAddrs is not read outside Linux yet: macOS and Windows mark
// temporary addresses through APIs rtdev does not call, so they may appear
// in the certificate there.
func temporaryAddrs() map[string][]net.IP { return nil }
