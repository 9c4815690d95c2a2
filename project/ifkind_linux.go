package project

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// sysfsRoot is where sysfs is mounted on Linux; osSystem.sysfs overrides
// it, so tests read a tree they wrote.
const sysfsRoot = "/sys"

// Values from the kernel's uapi headers that sysfs shows as numbers.
const (
	arphrdEther    = 1   // ARPHRD_ETHER, linux/if_arp.h
	arphrdLoopback = 772 // ARPHRD_LOOPBACK
	// maxStack bounds how deep classify follows lower_* links (a VLAN on
	// a bond on a NIC is three); the kernel caps nesting at 8.
	maxStack = 8
)

// classify reads what interface name (with kernel index index, 0 when not
// known) is from sysfs under root: /sys/class/net/NAME/ holds a `device`
// link only for an interface with a backing device (PCI, USB, virtio), a
// `bridge/` folder for a bridge, `tun_flags` for tun and tap, DEVTYPE in
// `uevent` for bridge, wireguard, vlan, bond, vxlan and the like, and
// `lower_*` links to the interfaces it is stacked on. A veth has none of
// those; what tells it apart is `iflink` (its peer's index) differing from
// its own `ifindex`. hardware is true when a network card is the interface
// or lies below it (a bridge, bond, VLAN or macvlan on the NIC).
//
// An entry that is missing, or whose ifindex is not index (a process in a
// network namespace of its own still sees the sysfs its mount namespace
// mounted, showing another namespace's interfaces), is KindUnknown.
func classify(root, name string, index int) (kind InterfaceKind, hardware bool) {
	if name == "" || name == "." || name == ".." || strings.ContainsRune(name, '/') {
		return KindUnknown, false
	}
	dir := filepath.Join(root, "class", "net", name)
	ifindex, err := readSysInt(dir, "ifindex")
	if err != nil || (index > 0 && ifindex != index) {
		return KindUnknown, false
	}
	return sysKind(dir, ifindex), onHardware(root, name, 0)
}

// sysKind is the kind of the interface whose sysfs folder is dir.
func sysKind(dir string, ifindex int) InterfaceKind {
	typ, _ := readSysInt(dir, "type")
	switch {
	case typ == arphrdLoopback:
		return KindLoopback
	case exists(dir, "device"):
		return KindPhysical
	case exists(dir, "bridge"):
		return KindBridge
	case exists(dir, "tun_flags"):
		return KindTun
	}
	switch devtype := ueventDevtype(dir); devtype {
	case "bridge":
		return KindBridge
	case "wireguard":
		return KindWireGuard
	case "":
	default:
		return KindVirtual
	}
	iflink, err := readSysInt(dir, "iflink")
	if err == nil && iflink != ifindex && typ == arphrdEther && len(lowers(dir)) == 0 {
		return KindVeth
	}
	return KindVirtual
}

// onHardware reports whether name has a backing device, or is stacked on
// an interface that has one.
func onHardware(root, name string, depth int) bool {
	dir := filepath.Join(root, "class", "net", name)
	if exists(dir, "device") {
		return true
	}
	if depth >= maxStack {
		return false
	}
	for _, l := range lowers(dir) {
		if onHardware(root, l, depth+1) {
			return true
		}
	}
	return false
}

// lowers lists the interfaces dir's interface is stacked on: the ports of
// a bridge or bond, the parent of a VLAN or macvlan.
func lowers(dir string) []string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range ents {
		if l, ok := strings.CutPrefix(e.Name(), "lower_"); ok && l != "" && l != "." && l != ".." {
			out = append(out, l)
		}
	}
	return out
}

// ueventDevtype is the DEVTYPE line of dir/uevent, or "".
func ueventDevtype(dir string) string {
	data, err := os.ReadFile(filepath.Join(dir, "uevent"))
	if err != nil {
		return ""
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "DEVTYPE="); ok {
			return v
		}
	}
	return ""
}

func readSysInt(dir, file string) (int, error) {
	data, err := os.ReadFile(filepath.Join(dir, file))
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(strings.TrimSpace(string(data)))
}

func exists(dir, name string) bool {
	_, err := os.Stat(filepath.Join(dir, name))
	return err == nil
}
