package project

import (
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// sysIf is one interface of a fake sysfs tree, laid out as the kernel
// shows it under /sys/class/net/NAME (checked against real interfaces by
// TestClassifyRealInterfaces).
type sysIf struct {
	name          string
	index, iflink int
	typ           int    // ARPHRD_*; 0 means Ethernet
	devtype       string // the DEVTYPE line of uevent
	device        bool   // a backing device (the `device` link)
	bridge        bool   // the bridge/ folder
	tunFlags      string // tun_flags, "" for none
	lowers        []string
}

// writeSysfs writes ifs as a sysfs tree under root.
func writeSysfs(t *testing.T, root string, ifs ...sysIf) {
	t.Helper()
	for _, i := range ifs {
		dir := filepath.Join(root, "class", "net", i.name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		typ, iflink := i.typ, i.iflink
		if typ == 0 {
			typ = arphrdEther
		}
		if iflink == 0 {
			iflink = i.index
		}
		uevent := fmt.Sprintf("INTERFACE=%s\nIFINDEX=%d\n", i.name, i.index)
		if i.devtype != "" {
			uevent = "DEVTYPE=" + i.devtype + "\n" + uevent
		}
		files := map[string]string{"ifindex": strconv.Itoa(i.index), "iflink": strconv.Itoa(iflink), "type": strconv.Itoa(typ), "uevent": uevent}
		if i.tunFlags != "" {
			files["tun_flags"] = i.tunFlags
		}
		for f, v := range files {
			if err := os.WriteFile(filepath.Join(dir, f), []byte(v+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if i.bridge {
			if err := os.Mkdir(filepath.Join(dir, "bridge"), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		if i.device {
			if err := os.Symlink("../../../devices/pci0000:00/0000:00:1f.6", filepath.Join(dir, "device")); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(filepath.Join(root, "devices", "pci0000:00", "0000:00:1f.6"), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		for _, l := range i.lowers {
			if err := os.Symlink("../"+l, filepath.Join(dir, "lower_"+l)); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// machineSysfs is a laptop with its Wi-Fi, a wired NIC in a bridge (br0
// holding the LAN, as on a VM host), a VLAN on the NIC, and what
// containers, VMs and VPNs add: bridges, both kinds of veth, taps, a tun
// and WireGuard.
var machineSysfs = []sysIf{
	{name: "lo", index: 1, typ: arphrdLoopback},
	{name: "wlp2s0", index: 2, devtype: "wlan", device: true},
	{name: "enp0s31f6", index: 3, device: true},
	{name: "br0", index: 4, devtype: "bridge", bridge: true, lowers: []string{"enp0s31f6"}},
	{name: "enp0s31f6.5", index: 5, devtype: "vlan", iflink: 3, lowers: []string{"enp0s31f6"}},
	{name: "incusbr0", index: 6, devtype: "bridge", bridge: true, lowers: []string{"vethc0ffee"}},
	{name: "vethc0ffee", index: 7, iflink: 2},
	{name: "lxcbr0", index: 8, devtype: "bridge", bridge: true},
	{name: "ve-app", index: 9, iflink: 2},
	{name: "vnet3", index: 10, tunFlags: "0x1002"},
	{name: "tap0", index: 11, tunFlags: "0x1802"},
	{name: "tailscale0", index: 12, typ: 65534, tunFlags: "0x1001"},
	{name: "wg0", index: 13, typ: 65534, devtype: "wireguard"},
	{name: "vx0", index: 14, devtype: "vxlan"},
	{name: "mv0", index: 15, iflink: 7, lowers: []string{"vethc0ffee"}},
	{name: "dummy0", index: 16},
}

func TestClassifyFakeSysfs(t *testing.T) {
	root := t.TempDir()
	writeSysfs(t, root, machineSysfs...)
	tests := []struct {
		name     string
		index    int
		kind     InterfaceKind
		hardware bool
	}{
		{"lo", 1, KindLoopback, false},           // ARPHRD_LOOPBACK
		{"wlp2s0", 2, KindPhysical, true},        // DEVTYPE wlan with a device
		{"enp0s31f6", 3, KindPhysical, true},     // the device link
		{"br0", 4, KindBridge, true},             // holds the NIC
		{"enp0s31f6.5", 5, KindVirtual, true},    // a VLAN on the NIC
		{"incusbr0", 6, KindBridge, false},       // holds a veth only
		{"vethc0ffee", 7, KindVeth, false},       // a bridge port
		{"lxcbr0", 8, KindBridge, false},         // an empty bridge
		{"ve-app", 9, KindVeth, false},           // its peer in another namespace
		{"vnet3", 10, KindTun, false},            // a VM's tap
		{"tap0", 11, KindTun, false},             // IFF_TAP
		{"tailscale0", 12, KindTun, false},       // IFF_TUN, no link type
		{"wg0", 13, KindWireGuard, false},        // DEVTYPE wireguard
		{"vx0", 14, KindVirtual, false},          // another DEVTYPE, no device
		{"mv0", 15, KindVirtual, false},          // a macvlan on a veth
		{"dummy0", 16, KindVirtual, false},       // nothing at all
		{"vethc0ffee", 0, KindVeth, false},       // index not known
		{"gone0", 17, KindUnknown, false},        // not in sysfs
		{"wlp2s0", 9, KindUnknown, false},        // sysfs of another namespace
		{"../../../etc", 0, KindUnknown, false},  // never a path
		{"wlp2s0/../br0", 4, KindUnknown, false}, // never a path
		{"..", 0, KindUnknown, false},            // never a path
	}
	for _, tt := range tests {
		kind, hw := classify(root, tt.name, tt.index)
		if kind != tt.kind || hw != tt.hardware {
			t.Errorf("classify(%q, %d) = %q, %v; want %q, %v", tt.name, tt.index, kind, hw, tt.kind, tt.hardware)
		}
	}
}

// TestStackedLoopEnds: lower_* links that form a loop (no kernel makes
// one, a broken tree might) end at maxStack instead of recursing forever.
func TestStackedLoopEnds(t *testing.T) {
	root := t.TempDir()
	writeSysfs(t, root, sysIf{name: "a", index: 1, devtype: "bond", lowers: []string{"b"}}, sysIf{name: "b", index: 2, devtype: "bond", lowers: []string{"a"}})
	if kind, hw := classify(root, "a", 1); kind != KindVirtual || hw {
		t.Fatalf("classify(a) = %q, %v; want virtual without hardware", kind, hw)
	}
}

// sysfsSystem is a machine whose interfaces are classified from a fake
// sysfs tree by the code OSSystem runs, each up with the addresses given.
type sysfsSystem struct {
	root  string
	addrs map[string][]string // interface -> CIDRs, in sysfs order
	order []string
}

func (s sysfsSystem) Hostname() (string, error) { return "box", nil }

func (s sysfsSystem) Interfaces() ([]Interface, error) {
	var out []Interface
	for _, name := range s.order {
		i := Interface{Name: name, Up: true, Loopback: name == "lo"}
		for _, c := range s.addrs[name] {
			ip, n, err := net.ParseCIDR(c)
			if err != nil {
				return nil, err
			}
			n.IP = ip
			i.Addrs = append(i.Addrs, n)
		}
		idx := slices.IndexFunc(machineSysfs, func(f sysIf) bool { return f.name == name })
		i.Kind, i.Hardware = classify(s.root, name, machineSysfs[idx].index)
		out = append(out, i)
	}
	return out, nil
}

// TestVirtualInterfacesNeverReissue: a laptop on its Wi-Fi, then the same
// laptop once Incus, LXC, libvirt, systemd-nspawn, a VPN and WireGuard have
// brought up their interfaces, each with an address of its own. The wanted
// hosts stay the same, Ensure keeps the leaf, and only the Wi-Fi, the
// NIC's bridge and the VLAN on it count as LAN; Bridges lists the
// container bridges, not br0.
func TestVirtualInterfacesNeverReissue(t *testing.T) {
	root := t.TempDir()
	writeSysfs(t, root, machineSysfs...)
	before := sysfsSystem{root: root, order: []string{"lo", "wlp2s0", "br0", "enp0s31f6.5"}, addrs: map[string][]string{
		"lo": {"127.0.0.1/8"}, "wlp2s0": {"192.168.1.20/24"}, "br0": {"10.0.0.5/24"}, "enp0s31f6.5": {"10.5.0.5/24"},
	}}
	after := sysfsSystem{root: root, addrs: map[string][]string{
		"incusbr0": {"10.40.1.1/24", "fd42:1:2::1/64"}, "vethc0ffee": {"10.40.1.9/24"}, "lxcbr0": {"10.0.3.1/24"},
		"ve-app": {"192.168.77.1/28"}, "vnet3": {"192.168.122.9/24"}, "tap0": {"10.9.0.1/24"},
		"tailscale0": {"100.101.102.103/32", "fd7a:115c:a1e0::1/128"}, "wg0": {"10.66.0.2/32", "fd66::2/64"},
		"vx0": {"10.77.0.1/24"}, "mv0": {"10.40.1.77/24"}, "dummy0": {"10.88.0.1/24"},
	}}
	for _, f := range machineSysfs {
		after.order = append(after.order, f.name)
	}
	for k, v := range before.addrs {
		after.addrs[k] = v
	}

	lan := func(sys System) []string {
		var out []string
		for _, a := range LANAddrs(sys) {
			out = append(out, a.IP.String())
		}
		return out
	}
	if got, want := lan(after), []string{"192.168.1.20", "10.0.0.5", "10.5.0.5"}; !slices.Equal(got, want) {
		t.Errorf("LANAddrs with every virtual interface up = %v, want %v", got, want)
	}
	hosts := func(sys System) []Host { return WantedHosts(sys, Defaults(), nil) }
	if b, a := hosts(before), hosts(after); !slices.Equal(b, a) {
		t.Errorf("wanted hosts changed when virtual interfaces came up:\nbefore %v\n after %v", b, a)
	}
	var bridges []string
	for _, b := range Bridges(after) {
		bridges = append(bridges, fmt.Sprintf("%s %v", b.Name, b.Addrs))
	}
	if want := []string{"incusbr0 [10.40.1.1/24 fd42:1:2::1/64]", "lxcbr0 [10.0.3.1/24]"}; !slices.Equal(bridges, want) {
		t.Errorf("Bridges = %v, want %v", bridges, want)
	}

	dir := t.TempDir()
	opts := EnsureOptions{Layout: NewLayout(dir), Config: Defaults(), CADir: filepath.Join(dir, "ca"), System: before}
	if _, err := Ensure(opts); err != nil {
		t.Fatal(err)
	}
	for _, sys := range []System{after, before} {
		opts.System = sys
		res, err := Ensure(opts)
		if err != nil {
			t.Fatal(err)
		}
		if res.LeafAction != LeafUnchanged || len(res.LeftOut) != 0 {
			t.Fatalf("leaf %s (%s), left out %v: virtual interfaces coming and going must not reissue", res.LeafAction, res.Reason, res.LeftOut)
		}
	}
}
