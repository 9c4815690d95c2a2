package project

// InterfaceKind is what a network interface is, as far as host detection
// cares: whether a device on the Wi-Fi or the wired LAN can reach this
// machine through it, and whether containers or VMs hang off it.
type InterfaceKind string

// The kinds. On Linux they come from sysfs (ifkind_linux.go); elsewhere
// from the name (ifkind_other.go).
const (
	// KindUnknown is an interface that could not be classified (no
	// sysfs, or one that shows another network namespace): it counts as
	// a LAN interface, as every interface did before kinds were read.
	KindUnknown  InterfaceKind = ""
	KindLoopback InterfaceKind = "loopback"
	// KindPhysical has a backing device: a PCI, USB or SDIO card, or a
	// VM's virtio or Hyper-V NIC.
	KindPhysical InterfaceKind = "physical"
	// KindBridge is a software switch (docker0, virbr0, incusbr0, lxcbr0,
	// or a br0 holding the machine's own NIC, see Interface.Hardware).
	KindBridge InterfaceKind = "bridge"
	// KindVeth is one end of a virtual Ethernet pair: a container's link
	// to a bridge, seen from the host (veth*, ve-*) or from inside the
	// container (its eth0).
	KindVeth InterfaceKind = "veth"
	// KindTun is a tun or tap device: a VPN (tun0, tailscale0) or a VM's
	// NIC on the host side (tap*, vnet*).
	KindTun InterfaceKind = "tun"
	// KindWireGuard is a WireGuard tunnel (wg*).
	KindWireGuard InterfaceKind = "wireguard"
	// KindVirtual is any other interface without a backing device: a
	// VLAN, bond, macvlan, vxlan, dummy, ...
	KindVirtual InterfaceKind = "virtual"
)

// lanCandidate reports whether the addresses of i may be what a device on
// the local network uses to reach this machine: an interface on a network
// card (or stacked on one: a VLAN, a bond, a bridge holding the NIC), or
// one rtdev could not classify. Bridges of containers and VMs, veth, tun,
// tap and WireGuard interfaces are not: their addresses come and go with
// containers, VMs and VPNs, and a phone cannot reach them.
func (i Interface) lanCandidate() bool {
	if !i.Up || i.Loopback || i.Kind == KindLoopback {
		return false
	}
	return i.Kind == KindUnknown || i.Kind == KindPhysical || i.Hardware
}

// Bridges lists the up bridges that hold no network card among their
// ports, with their addresses: the bridges containers and VMs are plugged
// into (docker0, podman's, incusbr0, lxcbr0, virbr0). A bridge holding the
// machine's own NIC is the LAN, and is not listed.
func Bridges(sys System) []Interface {
	ifs, err := sys.Interfaces()
	if err != nil {
		return nil
	}
	var out []Interface
	for _, i := range ifs {
		if i.Up && i.Kind == KindBridge && !i.Hardware {
			out = append(out, i)
		}
	}
	return out
}

// OwnNetworkOnly reports whether every up interface but loopback is a veth
// end: what a container on its own network (a compose service, a dev
// container) sees. Such interfaces reach only the container's bridge, so
// listening on them exposes nothing beyond what the engine publishes. A
// container on the host's network sees the machine's NICs (or interfaces
// rtdev cannot classify), and that is the LAN: false.
func OwnNetworkOnly(sys System) bool {
	ifs, err := sys.Interfaces()
	if err != nil {
		return false
	}
	seen := false
	for _, i := range ifs {
		if !i.Up || i.Loopback || i.Kind == KindLoopback {
			continue
		}
		if i.Kind != KindVeth {
			return false
		}
		seen = true
	}
	return seen
}
