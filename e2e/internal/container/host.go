//go:build linux

package container

import (
	"fmt"
	mrand "math/rand/v2"
	"testing"

	"github.com/rtdev/rtdev/e2e/internal/netns"
)

// Host is a network namespace playing the machine that runs the engine,
// with the bridge the services are plugged into. The bridge lives inside
// the namespace, so deleting the namespace at the end of the test deletes
// it and every veth on it.
type Host struct {
	// NS is the host's namespace.
	NS string
	// BridgeIP is the host's address on the bridge: what host-gateway
	// maps host.docker.internal to.
	BridgeIP string

	ip, tag, bridge, prefix string
	next                    int
	// names are the started services' names and aliases, by address.
	names map[string]string
}

// NewHost makes the host namespace and its br-* bridge on a /24 of
// 198.18.0.0/15 (RFC 2544's benchmarking range). The namespaces are
// separate from this machine's, so any /24 of the range will do.
func NewHost(t testing.TB) *Host {
	t.Helper()
	h := &Host{ip: netns.Require(t), tag: netns.Tag(), names: map[string]string{}}
	n := mrand.IntN(512)
	h.prefix = fmt.Sprintf("198.%d.%d", 18+n/256, n%256)
	h.NS, h.BridgeIP, h.bridge = netns.Name(h.tag, "host"), h.prefix+".1", "br-rt"+h.tag
	netns.Add(t, h.ip, h.NS)
	netns.Run(t, h.ip, "-n", h.NS, "link", "add", h.bridge, "type", "bridge", "forward_delay", "0")
	netns.Run(t, h.ip, "-n", h.NS, "addr", "add", h.BridgeIP+"/24", "dev", h.bridge)
	netns.Run(t, h.ip, "-n", h.NS, "link", "set", h.bridge, "up")
	h.next = 1
	return h
}

// In is the command line that runs argv in the host's namespace.
func (h *Host) In(argv ...string) []string { return netns.In(h.ip, h.NS, argv...) }

// plug makes a namespace for one container, joined to the bridge by a veth
// pair (eth0 inside), with the next address and a default route through
// the host, as a bridge network gives a container.
func (h *Host) plug(t testing.TB) (ns, addr string) {
	t.Helper()
	h.next++
	if h.next > 250 {
		t.Fatal("more containers than one /24 holds")
	}
	ns = netns.Name(h.tag, fmt.Sprintf("c%d", h.next))
	addr = fmt.Sprintf("%s.%d", h.prefix, h.next)
	hostEnd := fmt.Sprintf("rtc%s%d", h.tag, h.next)
	netns.Add(t, h.ip, ns)
	netns.Run(t, h.ip, "-n", h.NS, "link", "add", hostEnd, "type", "veth", "peer", "name", "eth0", "netns", ns)
	netns.Run(t, h.ip, "-n", h.NS, "link", "set", hostEnd, "master", h.bridge)
	netns.Run(t, h.ip, "-n", h.NS, "link", "set", hostEnd, "up")
	netns.Run(t, h.ip, "-n", ns, "addr", "add", addr+"/24", "dev", "eth0")
	netns.Run(t, h.ip, "-n", ns, "link", "set", "eth0", "up")
	netns.Run(t, h.ip, "-n", ns, "route", "add", "default", "via", h.BridgeIP)
	return ns, addr
}
