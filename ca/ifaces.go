package ca

import (
	"fmt"
	"net"
)

// InterfaceNets returns the subnets of this machine's up, non-loopback
// interfaces that the fixed ranges (PermittedNets) do not already cover,
// for CreateOptions.ExtraNets. A CI runner or cloud VM often has a public or
// documentation address (192.0.2.2), and a CA made there must still permit
// the machine's own addresses.
func InterfaceNets() ([]*net.IPNet, error) {
	ifaces, err := net.Interfaces()
	if err != nil {
		return nil, fmt.Errorf("list network interfaces: %w", err)
	}
	var addrs []net.Addr
	for _, ifc := range ifaces {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		a, err := ifc.Addrs()
		if err != nil {
			return nil, fmt.Errorf("list addresses of %s: %w", ifc.Name, err)
		}
		addrs = append(addrs, a...)
	}
	return uncoveredNets(addrs), nil
}

// uncoveredNets keeps the interface subnets outside the fixed ranges, one
// entry per subnet, narrowing very wide ones to the address itself so they
// stay acceptable as a constraint.
func uncoveredNets(addrs []net.Addr) []*net.IPNet {
	fixed := PermittedNets()
	var out []*net.IPNet
	seen := map[string]bool{}
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok {
			continue
		}
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
