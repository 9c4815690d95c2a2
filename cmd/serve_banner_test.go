package cmd

import (
	"net"
	"slices"
	"testing"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/project"
)

type bannerSystem struct{ ifs []project.Interface }

func (bannerSystem) Hostname() (string, error)                  { return "box", nil }
func (s bannerSystem) Interfaces() ([]project.Interface, error) { return s.ifs, nil }

// TestLANPasteHost: under --lan the paste line names a LAN address the
// certificate covers (IPv4 first, IPv6 in brackets), never localhost when
// one exists.
func TestLANPasteHost(t *testing.T) {
	ipnet := func(s string) *net.IPNet {
		ip, n, err := net.ParseCIDR(s)
		if err != nil {
			t.Fatal(err)
		}
		n.IP = ip
		return n
	}
	names, err := ca.ParseNames([]string{"localhost", "127.0.0.1", "192.168.1.20", "fd00::2"})
	if err != nil {
		t.Fatal(err)
	}
	res := &project.EnsureResult{Names: names}
	sys := bannerSystem{ifs: []project.Interface{{Name: "wlan0", Up: true, Addrs: []*net.IPNet{
		ipnet("fd00::2/64"), ipnet("192.0.2.9/24"), ipnet("192.168.1.20/24")}}}}
	got := lanHostsInCert(res, sys)
	if !slices.Equal(got, []string{"192.168.1.20", "fd00::2"}) {
		t.Fatalf("lanHostsInCert = %v, want the covered addresses, IPv4 first", got)
	}
}
