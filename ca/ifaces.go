package ca

import (
	"net"
)

// ExtraNetsFor turns the addresses of this machine's interfaces (each with
// its mask, as net.Interface.Addrs gives them) into CreateOptions.ExtraNets:
// the subnets the fixed ranges (PermittedNets) do not already cover, one
// entry per subnet, a very wide one narrowed to the address itself so that
// Create accepts it. A CI runner or cloud VM often has a public or
// documentation address (192.0.2.2), and a CA made there must still permit
// the machine's own addresses.
func ExtraNetsFor(addrs []*net.IPNet) []*net.IPNet {
	fixed := PermittedNets()
	var out []*net.IPNet
	seen := map[string]bool{}
	for _, ipn := range addrs {
		n := normalizeNet(ipn)
		if tooWide(n) {
			n = singleAddress(ipn.IP)
		}
		if !netCovered(fixed, n) && !seen[n.String()] {
			seen[n.String()] = true
			out = append(out, n)
		}
	}
	return out
}
