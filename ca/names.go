package ca

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/idna"
)

// NameKind is the SAN type a name goes into.
type NameKind string

// The SAN types rtdev issues.
const (
	KindDNS   NameKind = "dns"
	KindIP    NameKind = "ip"
	KindEmail NameKind = "email"
	KindURI   NameKind = "uri"
)

// Name is one parsed certificate name. Value is canonical: lowercase ASCII
// for DNS names (IDNs converted to punycode), IP.String() for addresses, the
// address with an ASCII domain for emails, and the URL string for URIs.
type Name struct {
	Kind  NameKind
	Value string
	IP    net.IP   // set for KindIP
	URI   *url.URL // set for KindURI
}

// String returns the canonical value.
func (n Name) String() string { return n.Value }

// IsWildcard reports whether n is a DNS name with a leading "*." label.
func (n Name) IsWildcard() bool {
	return n.Kind == KindDNS && strings.HasPrefix(n.Value, "*.")
}

// NameError is a name that cannot go into a certificate, with the reason.
type NameError struct {
	Input  string
	Reason string
}

func (e *NameError) Error() string {
	return fmt.Sprintf("invalid name %q: %s", e.Input, e.Reason)
}

// idnaProfile converts internationalised names to ASCII for lookup (RFC
// 5891 §5) but without STD3 character rules: underscores are common in
// container and service names and every verifier rtdev targets accepts them
// (as mkcert does). The ASCII result is checked by checkDNSLabels instead.
var idnaProfile = idna.New(
	idna.MapForLookup(),
	idna.BidiRule(),
	idna.Transitional(false),
	idna.StrictDomainName(false),
	idna.VerifyDNSLength(true),
)

// ParseName parses one name as typed by a user: an IP address, an email
// address (for client certificates), a URI with a scheme and a host, or a
// DNS name, optionally with a "*." wildcard as its whole leftmost label.
func ParseName(s string) (Name, error) {
	in := s
	s = strings.TrimSpace(s)
	if s == "" {
		return Name{}, &NameError{in, "empty name"}
	}
	fail := func(reason string, args ...any) (Name, error) {
		return Name{}, &NameError{in, fmt.Sprintf(reason, args...)}
	}
	if strings.ContainsAny(s, " \t\r\n") {
		return fail("contains whitespace")
	}
	if strings.Contains(s, "://") {
		return parseURI(in, s)
	}
	if strings.Contains(s, "@") {
		return parseEmail(in, s)
	}
	if n, ok, err := parseIP(in, s); ok || err != nil {
		return n, err
	}
	if host, port, err := net.SplitHostPort(s); err == nil {
		if _, perr := strconv.ParseUint(port, 10, 16); perr == nil {
			return fail("a port is not part of a certificate name; use %q", strings.Trim(host, "[]"))
		}
	}
	if strings.Contains(s, ":") {
		return fail("not a valid IPv6 address or DNS name")
	}
	v, reason := canonicalDNS(s, true)
	if reason != "" {
		return fail("%s", reason)
	}
	return Name{Kind: KindDNS, Value: v}, nil
}

// parseIP reports ok=false when s is not shaped like an IP address at all.
func parseIP(in, s string) (Name, bool, error) {
	t := s
	if strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]") {
		t = t[1 : len(t)-1]
	}
	a, err := netip.ParseAddr(t)
	if err != nil {
		return Name{}, false, nil
	}
	if a.Zone() != "" {
		// A zone (RFC 4007 §11) names an interface on one machine; X.509
		// iPAddress SANs are 4 or 16 bytes and cannot carry it.
		return Name{}, true, &NameError{in, fmt.Sprintf("an IPv6 zone (%%%s) cannot be in a certificate; use %q", a.Zone(), a.WithZone("").String())}
	}
	a = a.Unmap()
	ip := net.IP(a.AsSlice())
	return Name{Kind: KindIP, Value: ip.String(), IP: ip}, true, nil
}

// canonicalDNS converts a DNS name to lowercase ASCII and validates it. It
// returns a non-empty reason when the name is invalid. allowWildcard permits
// one "*." leftmost label.
func canonicalDNS(s string, allowWildcard bool) (string, string) {
	s = strings.TrimSuffix(s, ".") // a fully qualified name: SANs never carry the root dot
	if s == "" || strings.HasPrefix(s, ".") || strings.Contains(s, "..") {
		return "", "empty label"
	}
	wildcard := false
	if strings.HasPrefix(s, "*.") {
		if !allowWildcard {
			return "", "a wildcard is not allowed here"
		}
		wildcard = true
		s = s[2:]
	}
	if strings.Contains(s, "*") {
		// RFC 6125 §6.4.3 and browsers: only a whole leftmost "*" label
		// matches, once.
		return "", "a wildcard must be the whole leftmost label (*.example.test), and only one"
	}
	if isASCII(s) {
		// Check plain ASCII names first: the reasons are clearer than the
		// IDNA library's "invalid label".
		if reason := checkDNSLabels(strings.ToLower(s)); reason != "" {
			return "", reason
		}
	}
	ascii, err := idnaProfile.ToASCII(s)
	if err != nil {
		return "", "not a valid internationalised domain name: " + strings.TrimPrefix(err.Error(), "idna: ")
	}
	ascii = strings.ToLower(ascii)
	if reason := checkDNSLabels(ascii); reason != "" {
		return "", reason
	}
	if wildcard {
		if !strings.Contains(ascii, ".") {
			// Firefox (mozilla::pkix IsValidDNSID) wants two labels after
			// the wildcard, so *.localhost is not even a valid SAN there;
			// under a name-constrained root that fails the whole
			// certificate (ERROR_BAD_DER), not only that name. Chromium
			// also refuses a wildcard directly on a registry.
			return "", fmt.Sprintf("browsers refuse a wildcard on a top-level name; use a deeper one such as *.app.%s", ascii)
		}
		ascii = "*." + ascii
	}
	if len(ascii) > 253 {
		return "", "longer than 253 characters"
	}
	return ascii, ""
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// checkDNSLabels checks an ASCII name: LDH labels (plus underscore) of 1-63
// characters, no leading or trailing hyphen, and a last label that is not
// all digits, because such a name is a mistyped IPv4 address (RFC 3696 §2).
func checkDNSLabels(s string) string {
	labels := strings.Split(s, ".")
	for _, l := range labels {
		if l == "" {
			return "empty label"
		}
		if len(l) > 63 {
			return fmt.Sprintf("label %q is longer than 63 characters", l)
		}
		if l[0] == '-' || l[len(l)-1] == '-' {
			return fmt.Sprintf("label %q starts or ends with a hyphen", l)
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return fmt.Sprintf("character %q is not allowed in a DNS name", c)
			}
		}
	}
	last := labels[len(labels)-1]
	if strings.Trim(last, "0123456789") == "" {
		return "not a valid IP address, and a DNS name cannot end in a numeric label"
	}
	return ""
}

func parseEmail(in, s string) (Name, error) {
	at := strings.LastIndexByte(s, '@')
	local, domain := s[:at], s[at+1:]
	if reason := checkLocalPart(local); reason != "" {
		return Name{}, &NameError{in, reason}
	}
	d, reason := canonicalDNS(domain, false)
	if reason != "" {
		return Name{}, &NameError{in, "email domain: " + reason}
	}
	return Name{Kind: KindEmail, Value: local + "@" + d}, nil
}

// checkLocalPart accepts an RFC 5321 dot-string local part, which is what Go's
// verifier (parseRFC2821Mailbox) and OpenSSL accept without quoting.
func checkLocalPart(l string) string {
	if l == "" {
		return "empty local part before @"
	}
	if len(l) > 64 {
		return "local part longer than 64 characters"
	}
	if l[0] == '.' || l[len(l)-1] == '.' || strings.Contains(l, "..") {
		return "misplaced dot in local part"
	}
	for _, c := range []byte(l) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(".!#$%&'*+-/=?^_`{|}~", c) >= 0 {
			continue
		}
		return fmt.Sprintf("character %q is not allowed in an email address", c)
	}
	return ""
}

func parseURI(in, s string) (Name, error) {
	u, err := url.Parse(s)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return Name{}, &NameError{in, "not a valid URI: " + err.Error()}
	}
	if u.Scheme == "" || u.Host == "" {
		return Name{}, &NameError{in, "a URI needs a scheme and a host"}
	}
	if u.User != nil {
		return Name{}, &NameError{in, "a URI in a certificate must not carry user information"}
	}
	host := u.Hostname()
	if a, err := netip.ParseAddr(host); err == nil {
		if a.Zone() != "" {
			return Name{}, &NameError{in, "an IPv6 zone cannot be in a certificate"}
		}
	} else {
		h, reason := canonicalDNS(host, false)
		if reason != "" {
			return Name{}, &NameError{in, "URI host: " + reason}
		}
		if p := u.Port(); p != "" {
			h = net.JoinHostPort(h, p)
		}
		u.Host = h
	}
	return Name{Kind: KindURI, Value: u.String(), URI: u}, nil
}

// ParseNames parses every input, drops duplicates (by kind and canonical
// value) and keeps the first-seen order. All invalid names are reported.
func ParseNames(in []string) ([]Name, error) {
	var out []Name
	var errs []error
	seen := map[nameKey]bool{}
	for _, s := range in {
		n, err := ParseName(s)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if k := n.key(); !seen[k] {
			seen[k] = true
			out = append(out, n)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

type nameKey struct {
	kind  NameKind
	value string
}

func (n Name) key() nameKey { return nameKey{n.Kind, n.Value} }

// sanNames turns names into the four SAN lists of a certificate template.
func sanNames(names []Name) (dns []string, ips []net.IP, emails []string, uris []*url.URL) {
	for _, n := range names {
		switch n.Kind {
		case KindDNS:
			dns = append(dns, n.Value)
		case KindIP:
			ips = append(ips, n.IP)
		case KindEmail:
			emails = append(emails, n.Value)
		case KindURI:
			uris = append(uris, n.URI)
		}
	}
	return dns, ips, emails, uris
}

// LeafNames lists the SAN names of an issued certificate as Names, as
// RenewalReason compares them.
func LeafNames(c *x509.Certificate) []Name {
	return certNames(c.DNSNames, c.IPAddresses, c.EmailAddresses, c.URIs)
}

// certNames lists the SAN names of a certificate as Names, in the order DNS,
// IP, email, URI. A SAN that rtdev would not issue keeps its raw value.
func certNames(dns []string, ips []net.IP, emails []string, uris []*url.URL) []Name {
	var out []Name
	add := func(kind NameKind, raw string, fallback Name) {
		n, err := ParseName(raw)
		if err != nil || n.Kind != kind {
			n = fallback
		}
		out = append(out, n)
	}
	for _, d := range dns {
		add(KindDNS, d, Name{Kind: KindDNS, Value: strings.ToLower(d)})
	}
	for _, ip := range ips {
		add(KindIP, ip.String(), Name{Kind: KindIP, Value: ip.String(), IP: ip})
	}
	for _, e := range emails {
		add(KindEmail, e, Name{Kind: KindEmail, Value: e})
	}
	for _, u := range uris {
		add(KindURI, u.String(), Name{Kind: KindURI, Value: u.String(), URI: u})
	}
	return out
}
