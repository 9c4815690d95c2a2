//go:build linux

package phone

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/rtdev/rtdev/internal/testtool"
)

// nsPrefix starts the name of every namespace these tests make; the pid
// after it lets a later run delete what a killed one left.
const nsPrefix = "rtdev-e2e-"

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
	if os.Geteuid() != 0 {
		testtool.Missing(t, "network namespaces need root")
	}
	p := &netPair{IP: testtool.Need(t, "ip")}
	var b [3]byte
	_, _ = rand.Read(b[:])
	tag := hex.EncodeToString(b[:])
	base := nsPrefix + strconv.Itoa(os.Getpid()) + "-" + tag
	p.Laptop, p.Phone = base+"-a", base+"-b"
	// Interface names have 15 bytes at most, and must not start with
	// "veth": rtdev leaves such (container) interfaces out of the cert.
	ifA, ifB := "rtl"+tag, "rtp"+tag
	for _, ns := range []string{p.Laptop, p.Phone} {
		p.ip(t, "netns", "add", ns)
		// Deleting a namespace deletes the veth end inside it, and so the
		// pair.
		t.Cleanup(func() {
			if out, err := exec.Command(p.IP, "netns", "del", ns).CombinedOutput(); err != nil {
				t.Errorf("ip netns del %s: %v %s", ns, err, out)
			}
		})
	}
	p.ip(t, "link", "add", ifA, "netns", p.Laptop, "type", "veth", "peer", "name", ifB, "netns", p.Phone)
	for _, side := range []struct{ ns, dev, addr, gw string }{{p.Laptop, ifA, laptopIP, phoneIP}, {p.Phone, ifB, phoneIP, laptopIP}} {
		p.ip(t, "-n", side.ns, "link", "set", "lo", "up")
		p.ip(t, "-n", side.ns, "addr", "add", side.addr+"/24", "dev", side.dev)
		p.ip(t, "-n", side.ns, "link", "set", side.dev, "up")
		p.ip(t, "-n", side.ns, "route", "add", "default", "via", side.gw)
	}
	return p
}

func (p *netPair) ip(t *testing.T, args ...string) {
	t.Helper()
	if out, err := exec.Command(p.IP, args...).CombinedOutput(); err != nil {
		t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// in returns the command line that runs argv inside namespace ns.
func (p *netPair) in(ns string, argv ...string) []string {
	return append([]string{p.IP, "netns", "exec", ns}, argv...)
}

// sweepNamespaces deletes namespaces a killed run of these tests left
// behind: only ours (the prefix) and only when their process is gone.
func sweepNamespaces() {
	ip, err := exec.LookPath("ip")
	if err != nil || os.Geteuid() != 0 {
		return
	}
	out, err := exec.Command(ip, "netns", "list").Output()
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(out), "\n") {
		name, _, _ := strings.Cut(strings.TrimSpace(line), " ")
		rest, ok := strings.CutPrefix(name, nsPrefix)
		if !ok {
			continue
		}
		pidText, _, _ := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if err != nil || pid == os.Getpid() || syscall.Kill(pid, 0) == nil {
			continue
		}
		_ = exec.Command(ip, "netns", "del", name).Run()
	}
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
