package project

import (
	"os"
	"slices"
	"strconv"
	"strings"
)

// routeSystem is a System that knows which interfaces hold the default
// route. OSSystem does on Linux; a System without it (a test fake, another
// OS) keeps LANAddrs' order.
type routeSystem interface {
	DefaultRouteInterfaces() []string
}

// DefaultRouteInterfaces reads /proc/net/route; nil where there is none.
func (osSystem) DefaultRouteInterfaces() []string {
	data, err := os.ReadFile("/proc/net/route")
	if err != nil {
		return nil
	}
	return ParseDefaultRoutes(string(data))
}

// ParseDefaultRoutes returns the interfaces of the IPv4 default routes in a
// Linux /proc/net/route table (destination and mask 0, flag RTF_UP),
// lowest metric first: the one the kernel uses comes first.
func ParseDefaultRoutes(table string) []string {
	type route struct {
		iface  string
		metric int
	}
	var routes []route
	for i, line := range strings.Split(table, "\n") {
		f := strings.Fields(line)
		if i == 0 || len(f) < 8 {
			continue // the header, or a short line
		}
		flags, err1 := strconv.ParseUint(f[3], 16, 32)
		metric, err2 := strconv.Atoi(f[6])
		if err1 != nil || err2 != nil || f[1] != "00000000" || f[7] != "00000000" || flags&0x1 == 0 {
			continue
		}
		routes = append(routes, route{f[0], metric})
	}
	slices.SortStableFunc(routes, func(a, b route) int { return a.metric - b.metric })
	var out []string
	for _, r := range routes {
		if !slices.Contains(out, r.iface) {
			out = append(out, r.iface)
		}
	}
	return out
}

// PhoneAddrs is LANAddrs with the addresses of the default route's
// interface first: with Wi-Fi and a wired or VPN interface up, the
// default route is the likeliest network a phone shares.
func PhoneAddrs(sys System) []LANAddr {
	addrs := LANAddrs(sys)
	rs, ok := sys.(routeSystem)
	if !ok {
		return addrs
	}
	ifaces := rs.DefaultRouteInterfaces()
	rank := func(a LANAddr) int {
		if i := slices.Index(ifaces, a.Interface); i >= 0 {
			return i
		}
		return len(ifaces)
	}
	slices.SortStableFunc(addrs, func(a, b LANAddr) int { return rank(a) - rank(b) })
	return addrs
}
