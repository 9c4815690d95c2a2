//go:build linux

package netns

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"fmt"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/rtdev/rtdev/internal/testtool"
)

// Prefix starts the name of every namespace (and the alias of every
// bridge) these tests make; the pid after it lets a later run delete what
// a killed one left.
const Prefix = "rtdev-e2e-"

// Require returns the path of ip, ending the test (a failure in CI, a skip
// elsewhere) without root or ip.
func Require(t testing.TB) string {
	t.Helper()
	if os.Geteuid() != 0 {
		testtool.Missing(t, "network namespaces need root")
	}
	return testtool.Need(t, "ip")
}

// Tag is six random hex digits that name one test's namespaces and links
// apart from another's: an interface name has 15 bytes at most, so the
// pid does not fit in it.
func Tag() string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Name is the namespace for role in the test that drew tag.
func Name(tag, role string) string {
	return Prefix + strconv.Itoa(os.Getpid()) + "-" + tag + "-" + role
}

// Run runs ip with args; a failure fails the test with ip's output.
func Run(t testing.TB, ip string, args ...string) {
	t.Helper()
	if out, err := exec.Command(ip, args...).CombinedOutput(); err != nil {
		t.Fatalf("ip %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// Add creates namespace name with its loopback up, and deletes it when the
// test ends. Deleting a namespace deletes the veth ends inside it, and so
// their pairs.
func Add(t testing.TB, ip, name string) {
	t.Helper()
	Run(t, ip, "netns", "add", name)
	t.Cleanup(func() {
		if out, err := exec.Command(ip, "netns", "del", name).CombinedOutput(); err != nil {
			t.Errorf("ip netns del %s: %v %s", name, err, out)
		}
	})
	Run(t, ip, "-n", name, "link", "set", "lo", "up")
}

// In returns the command line that runs argv inside namespace ns.
func In(ip, ns string, argv ...string) []string {
	return append([]string{ip, "netns", "exec", ns}, argv...)
}

// InHostSys returns the command line that runs argv in namespace ns with
// this machine's /sys left mounted: nsenter enters the network namespace
// only, where ip netns exec also mounts the namespace's own sysfs. rtdev
// then cannot tell what kind the namespace's interfaces are (their sysfs
// entries are not there) and counts them as LAN, as it counts every
// interface it cannot classify. The phone tests use it to play a laptop
// whose Wi-Fi is a veth, which rtdev, seeing it, would rightly leave out.
func InHostSys(ns string, argv ...string) []string {
	return append([]string{"nsenter", "--net=" + filepath.Join("/run/netns", ns), "--"}, argv...)
}

// Dial connects to addr (an IP literal and port) from inside namespace ns.
func Dial(ctx context.Context, ns, network, addr string) (net.Conn, error) {
	return inNS(ns, func() (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	})
}

// Listen listens on addr inside namespace ns.
func Listen(ns, network, addr string) (net.Listener, error) {
	return inNS(ns, func() (net.Listener, error) { return net.Listen(network, addr) })
}

// inNS runs fn, which makes a socket, inside namespace ns. A socket
// belongs to the namespace of the thread that created it, for good: so fn
// runs on a thread of its own moved into ns, and the socket then works
// from any goroutine. That thread is never unlocked, so the runtime ends
// it with the goroutine instead of reusing it in the wrong namespace.
func inNS[T any](ns string, fn func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		f, err := os.Open(filepath.Join("/run/netns", ns))
		if err != nil {
			done <- result{err: err}
			return
		}
		defer f.Close()
		if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); err != nil {
			done <- result{err: fmt.Errorf("enter namespace %s: %w", ns, err)}
			return
		}
		v, err := fn()
		done <- result{v, err}
	}()
	r := <-done
	return r.v, r.err
}

// HTTPClient is a client whose connections are made from namespace ns,
// each request bounded by timeout, never following a redirect. With roots
// it trusts only them and checks the certificate for serverName.
func HTTPClient(ns string, roots *x509.CertPool, serverName string, timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				return Dial(ctx, ns, network, addr)
			},
			TLSClientConfig:   &tls.Config{RootCAs: roots, ServerName: serverName},
			DisableKeepAlives: true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Device is a namespace plugged into the test's own (the host's) through a
// bridge the test makes, as a phone on the Wi-Fi is: it reaches the host's
// address on that bridge and nothing else (it has no default route).
type Device struct {
	// NS is the device's namespace.
	NS string
	// HostIP is the host's address on the bridge; DeviceIP the device's.
	HostIP, DeviceIP string
}

// NewDevice makes the bridge, the namespace and the veth pair between them,
// on a /24 of 198.18.0.0/15 (set aside for network tests, RFC 2544) that
// this machine routes nowhere. Everything is deleted when the test ends.
//
// A bridge without a network card and a veth are never a LAN to rtdev
// (project.InterfaceKind), so an rtdev run elsewhere on the machine
// meanwhile never puts the test's address in a certificate.
func NewDevice(t testing.TB) *Device {
	t.Helper()
	ip := Require(t)
	tag := Tag()
	net24 := FreeNet(t, ip)
	d := &Device{NS: Name(tag, "device"), HostIP: net24 + ".1", DeviceIP: net24 + ".2"}
	br, hostEnd, devEnd := "br-rt"+tag, "vethrt"+tag, "rtd"+tag

	Run(t, ip, "link", "add", br, "type", "bridge", "forward_delay", "0")
	t.Cleanup(func() {
		if out, err := exec.Command(ip, "link", "del", br).CombinedOutput(); err != nil {
			t.Errorf("ip link del %s: %v %s", br, err, out)
		}
	})
	// The alias carries the pid, for Sweep.
	Run(t, ip, "link", "set", br, "alias", Prefix+strconv.Itoa(os.Getpid())+"-"+tag)
	Add(t, ip, d.NS)
	Run(t, ip, "link", "add", hostEnd, "type", "veth", "peer", "name", devEnd, "netns", d.NS)
	Run(t, ip, "link", "set", hostEnd, "master", br)
	Run(t, ip, "link", "set", hostEnd, "up")
	Run(t, ip, "addr", "add", d.HostIP+"/24", "dev", br)
	Run(t, ip, "link", "set", br, "up")
	Run(t, ip, "-n", d.NS, "addr", "add", d.DeviceIP+"/24", "dev", devEnd)
	Run(t, ip, "-n", d.NS, "link", "set", devEnd, "up")
	return d
}

// FreeNet picks a /24 of 198.18.0.0/15 (its first three octets) that no
// route of this machine, in any table, covers or lies inside, other than
// the default route: the test's bridge must not take over an address
// anything else uses.
func FreeNet(t testing.TB, ip string) string {
	t.Helper()
	for range 32 {
		n := mrand.IntN(512)
		prefix := fmt.Sprintf("198.%d.%d", 18+n/256, n%256)
		if !routed(t, ip, prefix+".0/24") {
			return prefix
		}
	}
	t.Fatal("every /24 tried in 198.18.0.0/15 is routed on this machine")
	return ""
}

func routed(t testing.TB, ip, cidr string) bool {
	t.Helper()
	for _, sel := range []string{"match", "root"} {
		out, err := exec.Command(ip, "-4", "-o", "route", "show", "table", "all", sel, cidr).Output()
		if err != nil {
			t.Fatalf("ip route show %s %s: %v", sel, cidr, err)
		}
		for _, line := range strings.Split(string(out), "\n") {
			f := strings.Fields(line)
			if len(f) > 0 && routeTypes[f[0]] {
				f = f[1:]
			}
			if len(f) > 0 && f[0] != "default" {
				return true
			}
		}
	}
	return false
}

// routeTypes are the words ip prints before a route's destination.
var routeTypes = map[string]bool{"unicast": true, "local": true, "broadcast": true, "multicast": true, "anycast": true,
	"unreachable": true, "blackhole": true, "prohibit": true, "throw": true, "nat": true}

// Sweep deletes the namespaces and bridges a killed run of these tests
// left behind: only ours (Prefix) and only when their process is gone. Call
// it from TestMain.
func Sweep() {
	ip, err := exec.LookPath("ip")
	if err != nil || os.Geteuid() != 0 {
		return
	}
	if out, err := exec.Command(ip, "netns", "list").Output(); err == nil {
		for _, line := range strings.Split(string(out), "\n") {
			name, _, _ := strings.Cut(strings.TrimSpace(line), " ")
			if orphan(name) {
				_ = exec.Command(ip, "netns", "del", name).Run()
			}
		}
	}
	out, err := exec.Command(ip, "-j", "link", "show", "type", "bridge").Output()
	if err != nil {
		return
	}
	var links []struct {
		Name  string `json:"ifname"`
		Alias string `json:"ifalias"`
	}
	if json.Unmarshal(out, &links) != nil {
		return
	}
	for _, l := range links {
		if orphan(l.Alias) {
			_ = exec.Command(ip, "link", "del", l.Name).Run()
		}
	}
}

// orphan reports a name this package made for a process that is gone.
func orphan(name string) bool {
	rest, ok := strings.CutPrefix(name, Prefix)
	if !ok {
		return false
	}
	pidText, _, _ := strings.Cut(rest, "-")
	pid, err := strconv.Atoi(pidText)
	return err == nil && pid != os.Getpid() && syscall.Kill(pid, 0) != nil
}

// Settle waits until the links of namespace ns are up and none of its
// addresses is tentative. A browser started in ns before then sees the
// kernel finish the job: a veth's carrier arrives, and its IPv6 link-local
// addresses (made when the link comes up) leave duplicate address
// detection a second or two later. Chromium takes each of those for a
// network change and fails the page load under way with
// ERR_NETWORK_CHANGED.
func Settle(t testing.TB, ip, ns string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		links, err1 := exec.Command(ip, "-n", ns, "-o", "link", "show").Output()
		tentative, err2 := exec.Command(ip, "-n", ns, "-o", "addr", "show", "tentative").Output()
		if err1 == nil && err2 == nil && len(tentative) == 0 && allUp(string(links)) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("namespace %s did not settle within 10s (%v %v):\n%s%s", ns, err1, err2, links, tentative)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// allUp reports whether every link of `ip -o link show` but lo is up.
func allUp(links string) bool {
	for _, l := range strings.Split(strings.TrimSpace(links), "\n") {
		if !strings.Contains(l, " lo:") && !strings.Contains(l, "state UP") {
			return false
		}
	}
	return true
}
