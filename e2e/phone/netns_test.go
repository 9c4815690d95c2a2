//go:build linux

package phone

import (
	"fmt"
	"os"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/rtdev/rtdev/e2e/internal/netns"
)

// Addresses of the laptop (namespace A) and the phone (namespace B).
const (
	laptopIP = "10.99.0.1"
	phoneIP  = "10.99.0.2"
)

// netPair is two namespaces joined by one veth pair.
type netPair struct {
	IP     string // path of ip
	Laptop string // namespace A
	Phone  string // namespace B
}

// newNetPair creates the namespaces and the link. Each namespace gets a
// default route over the veth: Chromium offers WebRTC only the address
// of the default route, and with the other end as gateway (which does not
// forward: ip_forward is off in a new namespace) no packet can leave.
func newNetPair(t *testing.T) *netPair {
	t.Helper()
	p := &netPair{IP: netns.Require(t)}
	tag := netns.Tag()
	p.Laptop, p.Phone = netns.Name(tag, "a"), netns.Name(tag, "b")
	// Interface names must not start with "veth": rtdev leaves such
	// (container) interfaces out of the cert.
	ifA, ifB := "rtl"+tag, "rtp"+tag
	for _, ns := range []string{p.Laptop, p.Phone} {
		netns.Add(t, p.IP, ns)
	}
	netns.Run(t, p.IP, "link", "add", ifA, "netns", p.Laptop, "type", "veth", "peer", "name", ifB, "netns", p.Phone)
	for _, side := range []struct{ ns, dev, addr, gw string }{{p.Laptop, ifA, laptopIP, phoneIP}, {p.Phone, ifB, phoneIP, laptopIP}} {
		netns.Run(t, p.IP, "-n", side.ns, "addr", "add", side.addr+"/24", "dev", side.dev)
		netns.Run(t, p.IP, "-n", side.ns, "link", "set", side.dev, "up")
		netns.Run(t, p.IP, "-n", side.ns, "route", "add", "default", "via", side.gw)
	}
	// Both sides run a browser.
	netns.Settle(t, p.IP, p.Laptop)
	netns.Settle(t, p.IP, p.Phone)
	return p
}

// in returns the command line that runs argv inside namespace ns. The
// laptop keeps this machine's /sys (netns.InHostSys): its Wi-Fi is a veth
// here, which rtdev would otherwise classify, rightly, as no LAN.
func (p *netPair) in(ns string, argv ...string) []string {
	if ns == p.Laptop {
		return netns.InHostSys(ns, argv...)
	}
	return netns.In(p.IP, ns, argv...)
}

// openPTY returns a new pseudo-terminal: rtdev serve prints its QR code
// only when stderr is a terminal.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fd := int(m.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatalf("unlock pty: %v", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("pty number: %v", err)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	return m, s
}
