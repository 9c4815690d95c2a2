package ca

import (
	"crypto/x509"
	"fmt"
	"net"
	"strings"

	"github.com/rtdev/rtdev/internal/shell"
)

// permittedDNS are the DNS subtrees every constrained rtdev CA permits: the
// special-use names of RFC 6761 (localhost, test), RFC 6762 (local, mDNS),
// RFC 8375 (home.arpa) and the ICANN-reserved private TLD "internal" (2024).
// In X.509 a DNS constraint permits the name and every name below it (RFC
// 5280 §4.2.1.10), so "localhost" also covers *.localhost.
var permittedDNS = []string{"localhost", "test", "internal", "local", "home.arpa"}

// permittedCIDRs are loopback (RFC 1122, RFC 4291), RFC 1918 private space,
// shared address space used by CGNAT and Tailscale (RFC 6598), IPv4
// link-local (RFC 3927), unique local (RFC 4193) and IPv6 link-local.
var permittedCIDRs = []string{
	"127.0.0.0/8", "::1/128",
	"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
	"100.64.0.0/10", "169.254.0.0/16",
	"fc00::/7", "fe80::/10",
}

// PermittedNets returns the fixed IP ranges every constrained CA permits.
// IPv4 ranges use 4-byte addresses and masks, as they are encoded in the
// certificate.
func PermittedNets() []*net.IPNet {
	out := make([]*net.IPNet, 0, len(permittedCIDRs))
	for _, c := range permittedCIDRs {
		_, n, err := net.ParseCIDR(c)
		if err != nil {
			panic("ca: bad built-in CIDR " + c) // a constant: caught by any test
		}
		out = append(out, normalizeNet(n))
	}
	return out
}

// IsPrivateAddr reports whether ip is in the built-in ranges every
// constrained CA permits: loopback and the private, shared and link-local
// ranges. doctor also uses it to refuse fetches to such addresses on a
// probed server's behalf.
func IsPrivateAddr(ip net.IP) bool {
	return netCovered(PermittedNets(), singleAddress(ip))
}

// normalizeNet masks the address and uses the 4-byte form for IPv4, the
// form Go's verifier compares against (it matches by length).
func normalizeNet(n *net.IPNet) *net.IPNet {
	ip, mask := n.IP, n.Mask
	if ip4 := ip.To4(); ip4 != nil {
		ip = ip4
		if len(mask) == net.IPv6len {
			mask = mask[12:]
		}
	}
	return &net.IPNet{IP: ip.Mask(mask), Mask: mask}
}

// netCovered reports whether one of list contains all of n.
func netCovered(list []*net.IPNet, n *net.IPNet) bool {
	ones, _ := n.Mask.Size()
	for _, have := range list {
		if haveOnes, _ := have.Mask.Size(); have.Contains(n.IP) && haveOnes <= ones {
			return true
		}
	}
	return false
}

// Constraints is what a CA permits, read from its certificate.
type Constraints struct {
	Critical      bool
	DNS           []string
	IPRanges      []*net.IPNet
	Unconstrained bool
	// Emails and URIDomains are the rfc822Name and URI subtrees; rtdev
	// derives both from the DNS list.
	Emails     []string
	URIDomains []string
}

// Constraints reports what the CA permits, for `rtdev ca info` and doctor.
func (c *CA) Constraints() Constraints {
	return constraintsOf(c.Cert)
}

func constraintsOf(cert *x509.Certificate) Constraints {
	if !hasNameConstraints(cert) {
		return Constraints{Unconstrained: true}
	}
	return Constraints{
		Critical:   cert.PermittedDNSDomainsCritical,
		DNS:        cert.PermittedDNSDomains,
		IPRanges:   cert.PermittedIPRanges,
		Emails:     cert.PermittedEmailAddresses,
		URIDomains: cert.PermittedURIDomains,
	}
}

func hasNameConstraints(cert *x509.Certificate) bool {
	return len(cert.PermittedDNSDomains) > 0 || len(cert.ExcludedDNSDomains) > 0 ||
		len(cert.PermittedIPRanges) > 0 || len(cert.ExcludedIPRanges) > 0 ||
		len(cert.PermittedEmailAddresses) > 0 || len(cert.ExcludedEmailAddresses) > 0 ||
		len(cert.PermittedURIDomains) > 0 || len(cert.ExcludedURIDomains) > 0
}

// String is a one-line summary, used in errors.
func (k Constraints) String() string {
	if k.Unconstrained {
		return "any name (unconstrained)"
	}
	ips := make([]string, len(k.IPRanges))
	for i, n := range k.IPRanges {
		ips[i] = n.String()
	}
	return fmt.Sprintf("DNS names under %s; IP addresses in %s", strings.Join(k.DNS, ", "), strings.Join(ips, ", "))
}

// ConstraintError is a name this CA may not certify.
type ConstraintError struct {
	Name   Name
	Reason string
	// Permitted is what the CA permits; CADir is the CA folder, used to
	// suggest where a second, wider CA could live.
	Permitted Constraints
	CADir     string
}

func (e *ConstraintError) Error() string {
	if reason := e.neverPermitted(); reason != "" {
		return fmt.Sprintf("name %q is outside this CA's name constraints: %s (the CA permits %s; %s, so only a CA made with --unconstrained would)",
			e.Name.Value, e.Reason, e.Permitted, reason)
	}
	return fmt.Sprintf("name %q is outside this CA's name constraints: %s (the CA permits %s; a CA created with --host %s or --unconstrained would)",
		e.Name.Value, e.Reason, e.Permitted, e.hostFlag())
}

// Hint is the command that creates a CA which permits the name. The
// constraints are inside the CA certificate, so the existing CA can never
// permit it: the fix is a second CA folder (RTDEV_CAROOT).
func (e *ConstraintError) Hint() string {
	dir := "$HOME/.local/share/rtdev-2"
	if e.CADir != "" {
		dir = shell.Quote(e.CADir + "-2")
	}
	if e.neverPermitted() != "" {
		return fmt.Sprintf("RTDEV_CAROOT=%s rtdev init --unconstrained --host %s", dir, e.Name.Value)
	}
	return fmt.Sprintf("RTDEV_CAROOT=%s rtdev init --host %s", dir, e.hostFlag())
}

// neverPermitted says why no constrained CA can permit the name (it would
// need a single-label or public-suffix constraint), or "".
func (e *ConstraintError) neverPermitted() string {
	if e.Name.Kind == KindIP {
		return ""
	}
	return WideningReason(e.hostFlag())
}

// hostFlag is the --host value that would make a new CA permit the name.
func (e *ConstraintError) hostFlag() string {
	switch e.Name.Kind {
	case KindEmail:
		return e.Name.Value[strings.LastIndexByte(e.Name.Value, '@')+1:]
	case KindURI:
		if e.Name.URI != nil {
			return e.Name.URI.Hostname()
		}
	case KindDNS:
		return strings.TrimPrefix(e.Name.Value, "*.")
	}
	return e.Name.Value
}

// Permits reports whether the CA may certify n, with the same semantics as
// the verifiers: RFC 5280 §4.2.1.10, where a name form with no permitted
// subtree is unrestricted, and, for URIs, Go's rule that a constrained chain
// rejects a URI whose host is empty or an IP address.
func (c *CA) Permits(n Name) error {
	reason := permitReason(c.Cert, n)
	if reason == "" {
		return nil
	}
	return &ConstraintError{Name: n, Reason: reason, Permitted: c.Constraints(), CADir: c.Dir}
}

// Check returns the error for the first name the CA may not certify.
func (c *CA) Check(names []Name) error {
	for _, n := range names {
		if err := c.Permits(n); err != nil {
			return err
		}
	}
	return nil
}

func permitReason(cert *x509.Certificate, n Name) string {
	if !hasNameConstraints(cert) {
		return ""
	}
	switch n.Kind {
	case KindDNS:
		// A wildcard stands for names one label deeper; test one of them.
		name := n.Value
		if n.IsWildcard() {
			name = "x" + name[1:]
		}
		return subtreeReason(cert.PermittedDNSDomains, cert.ExcludedDNSDomains,
			func(c string) bool { return dnsMatch(name, c) }, "DNS name")
	case KindIP:
		return ipReason(n.IP, cert.PermittedIPRanges, cert.ExcludedIPRanges)
	case KindEmail:
		return emailReason(n.Value, cert.PermittedEmailAddresses, cert.ExcludedEmailAddresses)
	case KindURI:
		if n.URI == nil || n.URI.Hostname() == "" {
			return "a URI without a host cannot be checked against name constraints"
		}
		host := n.URI.Hostname()
		if net.ParseIP(host) != nil {
			return "a URI whose host is an IP address cannot be checked against name constraints"
		}
		return subtreeReason(cert.PermittedURIDomains, cert.ExcludedURIDomains,
			func(c string) bool { return hostMatch(host, c) }, "URI host")
	}
	return "unknown name kind " + string(n.Kind)
}

// subtreeReason applies permitted and excluded subtrees of one name form.
// A form with no permitted subtree is unrestricted (RFC 5280 §4.2.1.10).
func subtreeReason(permitted, excluded []string, matches func(constraint string) bool, what string) string {
	for _, e := range excluded {
		if matches(e) {
			return fmt.Sprintf("%s is excluded by %q", what, e)
		}
	}
	if len(permitted) == 0 {
		return ""
	}
	for _, p := range permitted {
		if matches(p) {
			return ""
		}
	}
	return what + " is not under any permitted DNS name"
}

// dnsMatch is the dNSName rule: "example.test" permits the name and every
// name below it; ".example.test" (errata 5997, honoured by Go and OpenSSL)
// only the names below it.
func dnsMatch(name, constraint string) bool {
	name, constraint = strings.ToLower(name), strings.ToLower(constraint)
	if constraint == "" {
		return true
	}
	if strings.HasPrefix(constraint, ".") {
		return strings.HasSuffix(name, constraint)
	}
	return name == constraint || strings.HasSuffix(name, "."+constraint)
}

// hostMatch is the strict RFC 5280 rule for URI and email hosts, which
// OpenSSL follows: a bare "example.test" permits only that host, and
// ".example.test" the hosts below it. Go is looser (a bare host is a
// subtree), so the strict reading agrees with both verifiers.
func hostMatch(host, constraint string) bool {
	if strings.HasPrefix(constraint, ".") {
		return dnsMatch(host, constraint)
	}
	return strings.EqualFold(host, constraint)
}

func ipReason(ip net.IP, permitted, excluded []*net.IPNet) string {
	for _, e := range excluded {
		if e.Contains(ip) {
			return fmt.Sprintf("IP address is excluded by %s", e)
		}
	}
	if len(permitted) == 0 {
		return ""
	}
	for _, p := range permitted {
		if p.Contains(ip) {
			return ""
		}
	}
	return "IP address is not in any permitted range"
}

func emailReason(addr string, permitted, excluded []string) string {
	domain := addr[strings.LastIndexByte(addr, '@')+1:]
	return subtreeReason(permitted, excluded, func(c string) bool {
		if strings.Contains(c, "@") {
			return strings.EqualFold(c, addr) // one exact mailbox
		}
		return hostMatch(domain, c)
	}, "email domain")
}
