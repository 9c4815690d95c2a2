//go:build !linux

package project

import "strings"

// sysfsRoot is unused outside Linux: there is no sysfs.
const sysfsRoot = ""

// virtualPrefixes name container and VM bridges, VPN tunnels and virtual
// NICs on systems without sysfs (macOS, Windows, the BSDs): their
// addresses are not reachable from a phone on the Wi-Fi and change
// whenever a container, VM or VPN starts.
var virtualPrefixes = []string{"docker", "veth", "br-", "virbr", "cni", "flannel", "cali", "podman", "lxcbr", "lxdbr", "incusbr", "vmnet", "vboxnet", "tailscale", "utun", "wg", "vnet", "tap", "tun", "bridge"}

// classify tells virtual interfaces by name alone, where the system shows
// no more without calls rtdev does not make: a match is KindVirtual,
// anything else KindUnknown (a LAN candidate).
func classify(_, name string, _ int) (InterfaceKind, bool) {
	for _, p := range virtualPrefixes {
		if strings.HasPrefix(name, p) {
			return KindVirtual, false
		}
	}
	return KindUnknown, false
}
