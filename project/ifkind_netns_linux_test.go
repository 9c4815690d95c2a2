package project

import (
	"context"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rtdev/rtdev/internal/testtool"
)

// netnsHelperVar names the helper test a namespace run is for; the helper
// skips without it, as it only makes sense inside the namespace.
const netnsHelperVar = "RTDEV_PROJECT_NETNS_HELPER"

// TestClassifyRealInterfaces makes a bridge with a veth pair on it, a tap,
// a tun and (where the kernel has it) a WireGuard interface, each up with
// an address of 198.18.0.0/15, in a network namespace of its own (made by
// `unshare --net`, so nothing outlives the test), mounts that namespace's
// sysfs in a private mount namespace, and runs
// TestHelperClassifyRealInterfaces there against it.
func TestClassifyRealInterfaces(t *testing.T) {
	unshare := testtool.Need(t, "unshare")
	testtool.Need(t, "ip")
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	sysfs := t.TempDir()
	script := `set -eu
mount -t sysfs sysfs "$RTDEV_TEST_SYSFS"
ip link set lo up
ip link add incusbr0 type bridge
ip link add ve-app type veth peer name vb-app
ip link set vb-app master incusbr0
ip tuntap add dev vnet3 mode tap
ip tuntap add dev tun0 mode tun
ip addr add 198.18.7.1/24 dev incusbr0
ip addr add 198.18.8.1/24 dev ve-app
ip addr add 198.18.9.1/24 dev vnet3
ip addr add 198.18.10.1/24 dev tun0
for l in incusbr0 ve-app vb-app vnet3 tun0; do ip link set "$l" up; done
if ip link add wg0 type wireguard 2>/dev/null; then
	ip addr add 198.18.11.1/24 dev wg0
	ip link set wg0 up
	export RTDEV_TEST_WIREGUARD=1
fi
exec "$0" -test.run='^TestHelperClassifyRealInterfaces$' -test.count=1 -test.v
`
	args := []string{"--net", "--mount", "--propagation", "private"}
	if os.Geteuid() != 0 {
		args = append(args, "--user", "--map-root-user")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, unshare, append(args, "--", "/bin/sh", "-c", script, self)...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "LANG=C.UTF-8", netnsHelperVar + "=1", "RTDEV_TEST_SYSFS=" + sysfs}
	out, err := cmd.CombinedOutput()
	if err != nil && strings.Contains(string(out), "Operation not permitted") && !strings.Contains(string(out), "=== RUN") {
		testtool.Missing(t, "network namespaces are not allowed here: "+string(out))
	}
	if err != nil || !strings.Contains(string(out), "--- PASS: TestHelperClassifyRealInterfaces") {
		t.Fatalf("helper in a network namespace: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "wireguard: classified") {
		// The kernel here has no WireGuard (no module, not built in):
		// only that interface goes untested.
		t.Log("no WireGuard interface could be made: only the fake sysfs covers it")
	}
}

func TestHelperClassifyRealInterfaces(t *testing.T) {
	if os.Getenv(netnsHelperVar) != "1" {
		t.Skip("helper: runs inside the network namespace TestClassifyRealInterfaces makes")
	}
	sys := osSystem{sysfs: os.Getenv("RTDEV_TEST_SYSFS")}
	ifs, err := sys.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]InterfaceKind{"lo": KindLoopback, "incusbr0": KindBridge, "ve-app": KindVeth, "vb-app": KindVeth, "vnet3": KindTun, "tun0": KindTun}
	if os.Getenv("RTDEV_TEST_WIREGUARD") == "1" {
		want["wg0"] = KindWireGuard
	}
	got := map[string]InterfaceKind{}
	for _, i := range ifs {
		got[i.Name] = i.Kind
		if i.Hardware {
			t.Errorf("%s: Hardware is true in a namespace with no network card", i.Name)
		}
	}
	for name, kind := range want {
		if got[name] != kind {
			t.Errorf("%s: kind %q, want %q (all: %v)", name, got[name], kind, got)
		}
	}
	if want["wg0"] != "" && got["wg0"] == KindWireGuard {
		t.Log("wireguard: classified")
	}
	// The bridge port is a lower_ link of the bridge, as the fake trees
	// of the table tests lay it out.
	if l := lowers(sys.sysfs + "/class/net/incusbr0"); !slices.Equal(l, []string{"vb-app"}) {
		t.Errorf("lower links of incusbr0 = %v, want [vb-app]", l)
	}

	if addrs := LANAddrs(sys); len(addrs) != 0 {
		t.Errorf("LANAddrs = %v, want none: no interface here is on a network card", addrs)
	}
	for _, h := range WantedHosts(sys, Defaults(), nil) {
		if strings.HasPrefix(h.Source, "interface ") {
			t.Errorf("WantedHosts has %s from %s: no interface here is on a network card", h.Name, h.Source)
		}
	}
	bridges := Bridges(sys)
	if len(bridges) != 1 || bridges[0].Name != "incusbr0" || len(bridges[0].Addrs) == 0 || bridges[0].Addrs[0].IP.String() != "198.18.7.1" {
		t.Errorf("Bridges = %+v, want incusbr0 with 198.18.7.1", bridges)
	}
}
