package project

import "testing"

// TestOwnNetworkOnly: a container on its own network sees loopback and a
// veth; on the host's network it sees the NIC (or what rtdev cannot
// classify), and a veth-less list is no container network.
func TestOwnNetworkOnly(t *testing.T) {
	lo := Interface{Name: "lo", Up: true, Loopback: true, Kind: KindLoopback}
	for _, tc := range []struct {
		name string
		ifs  []Interface
		want bool
	}{
		{"compose service", []Interface{lo, {Name: "eth0", Up: true, Kind: KindVeth}}, true},
		{"two networks", []Interface{lo, {Name: "eth0", Up: true, Kind: KindVeth}, {Name: "eth1", Up: true, Kind: KindVeth}}, true},
		{"host network", []Interface{lo, {Name: "eth0", Up: true, Kind: KindPhysical}, {Name: "docker0", Up: true, Kind: KindBridge}}, false},
		{"unclassified", []Interface{lo, {Name: "eth0", Up: true, Kind: KindUnknown}}, false},
		{"loopback only", []Interface{lo}, false},
		{"a down NIC", []Interface{lo, {Name: "eth0", Up: true, Kind: KindVeth}, {Name: "wlan0", Kind: KindPhysical}}, true},
	} {
		if got := OwnNetworkOnly(fakeSystem{ifs: tc.ifs}); got != tc.want {
			t.Errorf("%s: OwnNetworkOnly = %v, want %v", tc.name, got, tc.want)
		}
	}
}
