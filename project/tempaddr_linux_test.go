package project

import (
	"net"
	"slices"
	"testing"
)

func TestParseIfInet6(t *testing.T) {
	data := []byte(`00000000000000000000000000000001 01 80 10 80       lo
20010db8000000000000000000000005 02 40 00 00    wlan0
20010db80000000000008c3a11bb2201 02 40 00 01    wlan0
fe8000000000000000fc00fffe000001 02 40 20 80    wlan0
garbage line
`)
	got := parseIfInet6(data)
	if len(got) != 1 || len(got["wlan0"]) != 1 || !got["wlan0"][0].Equal(net.ParseIP("2001:db8::8c3a:11bb:2201")) {
		t.Fatalf("parseIfInet6 = %v, want only wlan0's temporary address", got)
	}
}

// TestLANAddrsLeaveOutTemporary: with fake interface data, a temporary IPv6
// address is not a LAN address (so not in the leaf), the stable one is.
func TestLANAddrsLeaveOutTemporary(t *testing.T) {
	sys := fakeSystem{host: "box", ifs: []Interface{{Name: "wlan0", Up: true,
		Addrs:     []*net.IPNet{cidr(t, "192.168.1.20/24"), cidr(t, "fd00::5/64"), cidr(t, "fd00::8c3a:11bb:2201/64")},
		Temporary: []net.IP{net.ParseIP("fd00::8c3a:11bb:2201")}}}}
	var got []string
	for _, a := range LANAddrs(sys) {
		got = append(got, a.IP.String())
	}
	if !slices.Equal(got, []string{"192.168.1.20", "fd00::5"}) {
		t.Fatalf("LANAddrs = %v, want the temporary address left out", got)
	}
}
