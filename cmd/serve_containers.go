package cmd

import (
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/rtdev/rtdev/internal/tlsserve"
	"github.com/rtdev/rtdev/internal/ui"
	"github.com/rtdev/rtdev/project"
)

// containerBridgeAddrs are the addresses serve --containers and proxy
// --containers listen on: those of the bridges with no network card under
// them (project.Bridges), which is where Docker's docker0, compose's br-*
// networks and podman's bridge put the host. host-gateway resolves to
// docker0's address, and a container on a compose network reaches the
// host at its network's gateway. A bridge that holds the machine's NIC
// is the LAN, and is never one of them.
func containerBridgeAddrs() []netip.Prefix {
	var out []netip.Prefix
	for _, b := range project.Bridges(project.OSSystem()) {
		for _, n := range b.Addrs {
			a, ok := netip.AddrFromSlice(n.IP)
			if !ok {
				continue
			}
			a = a.Unmap()
			// Link-local addresses need a zone to listen on and no
			// container uses them to reach the host.
			if a.IsLinkLocalUnicast() || a.IsLoopback() {
				continue
			}
			bits, _ := n.Mask.Size()
			out = append(out, netip.PrefixFrom(a, bits))
		}
	}
	return out
}

// printContainers is the banner's line for --containers: the bridge
// addresses served now and the name a container uses.
func printContainers(w io.Writer, st ui.Styles, follow *tlsserve.Follow, port int) {
	if follow == nil {
		return
	}
	var addrs []string
	for _, a := range follow.Addrs() {
		addrs = append(addrs, a.String())
	}
	served := "no container bridge yet: each is served as it appears"
	if len(addrs) > 0 {
		served = strings.Join(addrs, ", ") + " (and bridges as they appear)"
	}
	fmt.Fprintf(w, "  %s %s\n", st.Key.Render("containers"), served)
	fmt.Fprintf(w, "  %s %s %s\n", st.Key.Render("          "), st.Code.Render(fmt.Sprintf("https://host.docker.internal:%d", port)),
		st.Muted.Render("from a container (compose: extra_hosts host.docker.internal:host-gateway; rtdev snippet compose adds it)"))
}
