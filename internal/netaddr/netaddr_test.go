package netaddr

import "testing"

func TestLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LOCALHOST": true, "127.0.0.1": true, "127.9.9.9": true, "::1": true,
		"::ffff:127.0.0.1": true, "192.168.1.5": false, "localhost.example.com": false,
		"example.com": false, "": false, "[::1]": false, "0.0.0.0": false,
	} {
		if got := Loopback(host); got != want {
			t.Errorf("Loopback(%q) = %v, want %v", host, got, want)
		}
	}
}

func TestLoopbackPeer(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:5000": true, "[::1]:443": true, "[::ffff:127.0.0.1]:80": true,
		"10.0.0.2:5000": false, "[fe80::1]:80": false, "localhost:80": false, "127.0.0.1": false, "": false,
	} {
		if got := LoopbackPeer(addr); got != want {
			t.Errorf("LoopbackPeer(%q) = %v, want %v", addr, got, want)
		}
	}
}

func TestValidPort(t *testing.T) {
	for n, want := range map[int]bool{0: false, 1: true, 443: true, 65535: true, 65536: false, -1: false} {
		if ValidPort(n) != want {
			t.Errorf("ValidPort(%d) = %v", n, !want)
		}
	}
}
