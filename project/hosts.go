package project

import (
	"net"
	"os"
	"slices"
	"sort"
	"strings"
)

// Interface is one network interface as host detection sees it.
type Interface struct {
	Name     string
	Up       bool
	Loopback bool
	Addrs    []*net.IPNet
	// Temporary are the IPv6 privacy addresses among Addrs (RFC 8981):
	// they change daily, so a certificate listing them would be reissued
	// every day, and a phone never needs them.
	Temporary []net.IP
	// Kind is what the interface is (a network card, a bridge, a veth,
	// ...); Hardware is true when a network card is the interface or lies
	// below it (a bridge, bond or VLAN on the NIC). Only such interfaces,
	// and unclassified ones, count for LAN addresses.
	Kind     InterfaceKind
	Hardware bool
}

// System is what host detection reads from the machine. OSSystem reads the
// real one; tests pass a fixed one, so no test depends on this machine's
// network.
type System interface {
	Hostname() (string, error)
	Interfaces() ([]Interface, error)
}

// OSSystem is the machine rtdev runs on.
func OSSystem() System { return osSystem{sysfs: sysfsRoot} }

// osSystem reads interface kinds from the sysfs mounted at sysfs (Linux).
type osSystem struct{ sysfs string }

func (osSystem) Hostname() (string, error) { return os.Hostname() }

func (s osSystem) Interfaces() ([]Interface, error) {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil, err
	}
	temp := temporaryAddrs()
	out := make([]Interface, 0, len(ifs))
	for _, i := range ifs {
		addrs, err := i.Addrs()
		if err != nil {
			continue
		}
		it := Interface{Name: i.Name, Up: i.Flags&net.FlagUp != 0, Loopback: i.Flags&net.FlagLoopback != 0, Temporary: temp[i.Name]}
		it.Kind, it.Hardware = classify(s.sysfs, i.Name, i.Index)
		for _, a := range addrs {
			if n, ok := a.(*net.IPNet); ok {
				it.Addrs = append(it.Addrs, n)
			}
		}
		out = append(out, it)
	}
	return out, nil
}

// Host is one name or address wanted in the project certificate, with where
// it came from. Requested hosts (rtdev.toml, --host) must be issuable;
// detected ones that the CA does not permit are left out with a warning.
type Host struct {
	Name      string
	Source    string
	Requested bool
	// Typed is true for a name the developer gave themselves (--host, or
	// their own git-ignored rtdev.local.toml): the committed-file rule
	// does not apply to it.
	Typed bool
}

// AndroidEmulatorHost is how the Android emulator reaches the host machine;
// it goes into the certificate when LAN mode is on.
const AndroidEmulatorHost = "10.0.2.2"

// ContainerHosts are the names a container uses for the machine it runs on:
// Docker Desktop answers host.docker.internal and gateway.docker.internal
// itself, Docker Engine on Linux maps host.docker.internal through
// extra_hosts "host-gateway" (what rtdev snippet compose writes), and
// Podman adds host.containers.internal (and host.docker.internal since
// 5.x). They are all under "internal", which every constrained rtdev CA
// permits, and they are in every leaf whether or not a container engine
// runs, so starting or stopping Docker never reissues the certificate.
var ContainerHosts = []string{"host.docker.internal", "host.containers.internal", "gateway.docker.internal"}

// ServiceAliasDomain is where compose services that serve TLS get a network
// alias (SERVICE.rtdev.internal, see the compose package): a service name
// is a single label, which a name-constrained CA can never cover. The leaf
// always lists the wildcard *.rtdev.internal, so adding a service never
// reissues it. The wildcard has two labels after the star, the least
// OpenSSL and Firefox accept (a bare *.internal matches nothing there).
const ServiceAliasDomain = "rtdev.internal"

// baseHosts are in every project certificate: what a developer types on
// this machine. "*.localhost" is deliberately absent: a wildcard needs two
// labels after it in Firefox (mozilla::pkix), and under a name-constrained
// CA Firefox then rejects the whole certificate, not just that name
// (measured with Firefox ESR 153); Chromium ignores it. Wildcards one level
// deeper (*.app.localhost) work in both: add them with --host.
var baseHosts = []string{"localhost", "127.0.0.1", "::1"}

// WantedHosts lists the names for the project certificate in a stable order:
// localhost, 127.0.0.1 and ::1, the machine's name and NAME.local, the addresses of its
// LAN interfaces, 10.0.2.2, the ContainerHosts and *.rtdev.internal, then
// the hosts of rtdev.toml, rtdev.local.toml and --host flags.
func WantedHosts(sys System, cfg Config, flagHosts []string) []Host {
	var out []Host
	seen := map[string]int{} // lowercased name -> index in out
	add := func(name, source string, requested, typed bool) {
		key := strings.ToLower(name)
		if name == "" {
			return
		}
		if i, ok := seen[key]; ok {
			// A name both detected and asked for takes the later source:
			// --host over rtdev.toml over detection, since the rules for
			// a new CA's constraints depend on who asked (ca.HostOrigin).
			if requested {
				out[i].Source, out[i].Requested, out[i].Typed = source, true, typed
			}
			return
		}
		seen[key] = len(out)
		out = append(out, Host{Name: name, Source: source, Requested: requested, Typed: typed})
	}
	for _, h := range baseHosts {
		add(h, "default", false, false)
	}
	if hn, err := sys.Hostname(); err == nil {
		hn = strings.TrimSuffix(strings.ToLower(hn), ".")
		if hn != "" && hn != "localhost" {
			// A single-label name can never be under a constrained CA (it
			// would have to permit a whole top-level name, see
			// ca.WideningReason); its mDNS name under .local reaches it.
			if strings.Contains(hn, ".") {
				add(hn, "hostname", false, false)
			}
			short, _, _ := strings.Cut(hn, ".")
			add(short+".local", "hostname", false, false)
		}
	}
	for _, a := range LANAddrs(sys) {
		add(a.IP.String(), "interface "+a.Interface, false, false)
	}
	// Always, not only under --lan: switching --lan on and off must never
	// reissue the certificate (the phone would have to trust it again).
	add(AndroidEmulatorHost, "Android emulator", false, false)
	for _, h := range ContainerHosts {
		add(h, "containers", false, false)
	}
	add("*."+ServiceAliasDomain, "compose services", false, false)
	for _, h := range cfg.Hosts {
		add(h, ConfigFileName, true, false)
	}
	for _, h := range cfg.Local.Hosts {
		add(h, LocalConfigFileName, true, cfg.Local.From.Typed())
	}
	for _, h := range flagHosts {
		add(h, SourceFlag, true, true)
	}
	return out
}

// SourceFlag is the Source of hosts typed as --host.
const SourceFlag = "--host"

// LANAddr is an address of an up, non-loopback interface, with its
// interface's mask.
type LANAddr struct {
	Interface string
	IP        net.IP
	Mask      net.IPMask
}

// LANAddrs returns the addresses a device on the local network can use to
// reach this machine, IPv4 first, from the interfaces that can be on it
// (Interface.lanCandidate). Link-local addresses (fe80::/10, 169.254/16)
// are skipped: they need a zone and differ per link; so are temporary IPv6
// addresses. Of IPv6, only unique local addresses (fc00::/7, RFC 4193)
// count: a global address (which every home network with IPv6 hands out)
// is one the CA's constraints never cover, and a phone on the Wi-Fi
// reaches this machine by its IPv4 or ULA address anyway.
func LANAddrs(sys System) []LANAddr {
	ifs, err := sys.Interfaces()
	if err != nil {
		return nil
	}
	var out []LANAddr
	for _, i := range ifs {
		if !i.lanCandidate() {
			continue
		}
		for _, n := range i.Addrs {
			ip := n.IP
			if ip.IsLoopback() || ip.IsLinkLocalUnicast() || ip.IsMulticast() || ip.IsUnspecified() || slices.ContainsFunc(i.Temporary, ip.Equal) {
				continue
			}
			if v4 := ip.To4(); v4 != nil {
				ip = v4
			} else if !ip.IsPrivate() {
				continue
			}
			out = append(out, LANAddr{Interface: i.Name, IP: ip, Mask: n.Mask})
		}
	}
	sort.SliceStable(out, func(a, b int) bool {
		return out[a].IP.To4() != nil && out[b].IP.To4() == nil
	})
	return out
}

// PrimaryLANAddr is the address to show a phone: the first IPv4 LAN address,
// or "" when there is none.
func PrimaryLANAddr(sys System) string {
	for _, a := range LANAddrs(sys) {
		if a.IP.To4() != nil {
			return a.IP.String()
		}
	}
	return ""
}
