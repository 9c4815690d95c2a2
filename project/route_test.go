package project

import (
	"net"
	"slices"
	"testing"
)

const procRoute = `Iface	Destination	Gateway 	Flags	RefCnt	Use	Metric	Mask		MTU	Window	IRTT
eth0	00000000	0101A8C0	0003	0	0	600	00000000	0	0	0
eth0	0001A8C0	00000000	0001	0	0	600	00FFFFFF	0	0	0
wlan0	00000000	0100000A	0003	0	0	100	00000000	0	0	0
tun0	00000000	00000000	0000	0	0	50	00000000	0	0	0
`

func TestParseDefaultRoutes(t *testing.T) {
	if got := ParseDefaultRoutes(procRoute); !slices.Equal(got, []string{"wlan0", "eth0"}) {
		t.Errorf("got %v, want wlan0 (metric 100) then eth0; tun0's route is down", got)
	}
	if got := ParseDefaultRoutes(""); got != nil {
		t.Errorf("empty table: %v", got)
	}
}

type routeFake struct {
	ifs    []Interface
	routes []string
}

func (routeFake) Hostname() (string, error)          { return "box", nil }
func (f routeFake) Interfaces() ([]Interface, error) { return f.ifs, nil }
func (f routeFake) DefaultRouteInterfaces() []string { return f.routes }

func TestPhoneAddrsDefaultRouteFirst(t *testing.T) {
	n := func(s string) *net.IPNet {
		ip, nw, _ := net.ParseCIDR(s)
		nw.IP = ip
		return nw
	}
	ifs := []Interface{
		{Name: "eth0", Up: true, Addrs: []*net.IPNet{n("192.168.1.5/24")}},
		{Name: "wlan0", Up: true, Addrs: []*net.IPNet{n("10.0.0.7/24")}},
	}
	ips := func(as []LANAddr) []string {
		var out []string
		for _, a := range as {
			out = append(out, a.IP.String())
		}
		return out
	}
	if got := ips(PhoneAddrs(routeFake{ifs, []string{"wlan0"}})); !slices.Equal(got, []string{"10.0.0.7", "192.168.1.5"}) {
		t.Errorf("default route first: %v", got)
	}
	if got := ips(PhoneAddrs(routeFake{ifs, nil})); !slices.Equal(got, []string{"192.168.1.5", "10.0.0.7"}) {
		t.Errorf("no route: fallback order %v", got)
	}
}
