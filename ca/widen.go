package ca

import (
	"fmt"
	"net"
	"slices"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// HostOrigin says where a name that asks to widen a new CA came from. The
// rules differ with how far the name can be trusted: a name typed on the
// command line is the user's own; rtdev.toml is committed by other people
// (the design's trust boundaries), so it may name hosts but never widen the
// CA to the web; the machine's hostname is whatever the OS was given.
type HostOrigin string

const (
	OriginHostname HostOrigin = "the machine's hostname"
	OriginConfig   HostOrigin = "rtdev.toml"
	// OriginLocal is the developer's own rtdev.local.toml (git ignores
	// it): held to the --host rules, but a refusal leaves the name out
	// rather than stopping the command.
	OriginLocal HostOrigin = "rtdev.local.toml"
	OriginFlag  HostOrigin = "--host"
)

// typed reports whether the developer named the host themselves.
func (o HostOrigin) typed() bool { return o == OriginFlag || o == OriginLocal }

// HostRequest is a name asked to become a constraint of a new CA.
type HostRequest struct {
	Name   string
	Origin HostOrigin
}

// Widening is one constraint beyond the built-in private names and ranges,
// with the host that asked for it.
type Widening struct {
	Constraint string     `json:"constraint"`
	Host       string     `json:"host"`
	Origin     HostOrigin `json:"origin"`
}

// Refusal is a requested host that does not become a constraint, and why.
type Refusal struct {
	Host   string     `json:"host"`
	Origin HostOrigin `json:"origin"`
	Reason string     `json:"reason"`
}

// WideningError is a --host the rules refuse as a constraint: the user
// typed it, so it is an error (exit 2) rather than a warning.
type WideningError struct{ Refusal }

func (e *WideningError) Error() string {
	return fmt.Sprintf("--host %s cannot widen the CA: %s", e.Host, e.Reason)
}

// Hint says what works instead.
func (e *WideningError) Hint() string {
	return "use a name under localhost, test, internal, local or home.arpa (for example " +
		suggestPrivate(e.Host) + "), or rtdev init --unconstrained for a CA without name constraints"
}

// ConstraintPlan is what a new constrained CA will permit: the built-ins,
// plus what the requests were allowed to add.
type ConstraintPlan struct {
	DNS  []string
	Nets []*net.IPNet
	// URIs are the URI host subtrees. RFC 5280 §4.2.1.10 wants a URI
	// constraint to be a fully qualified domain name (zlint
	// e_name_constraint_not_fqdn), so the single-label built-ins are not
	// repeated here; URI names go under home.arpa or a multi-label --host.
	URIs    []string
	Widened []Widening
	Refused []Refusal
}

// PlanConstraints applies the rules for a new CA's constraints:
//   - a DNS name becomes a constraint only as its own subtree (a wildcard
//     *.app.example.test permits app.example.test and what is below it),
//     never when it is a single label or a public suffix (com, dev, app,
//     co.uk, github.io): a machine named "dev" must not permit .dev;
//   - IP constraints are the built-in private ranges; a public address
//     becomes a single-address constraint only when typed as --host, never
//     from rtdev.toml or an interface;
//   - names already under a built-in add nothing.
//
// A refused --host is a *WideningError; a refused rtdev.toml name or
// hostname is listed in Refused, and the leaf later leaves it out.
func PlanConstraints(o CreateOptions) (*ConstraintPlan, error) {
	p := &ConstraintPlan{DNS: append([]string(nil), permittedDNS...), Nets: PermittedNets(), URIs: []string{"home.arpa", ".home.arpa"}}
	reqs := o.Hosts
	if o.Hostname != "" {
		reqs = append([]HostRequest{{Name: o.Hostname, Origin: OriginHostname}}, reqs...)
	}
	for _, r := range reqs {
		reason, err := p.add(r)
		if err != nil {
			return nil, err
		}
		if reason == "" {
			continue
		}
		if r.Origin == OriginFlag {
			return nil, &WideningError{Refusal{Host: r.Name, Origin: r.Origin, Reason: reason}}
		}
		p.Refused = append(p.Refused, Refusal{Host: r.Name, Origin: r.Origin, Reason: reason})
	}
	return p, nil
}

// add applies the rules to one request; it returns why the request is
// refused, or "" when it was added or is already covered.
func (p *ConstraintPlan) add(r HostRequest) (string, error) {
	n, err := ParseName(r.Name)
	switch {
	case err != nil && r.Origin == OriginHostname:
		// Some machines have odd names ("My_Laptop (2)"): skip quietly.
		return "", nil
	case err != nil && r.Origin != OriginFlag:
		return err.Error(), nil
	case err != nil:
		return "", err
	}
	switch n.Kind {
	case KindDNS:
		d := strings.TrimPrefix(n.Value, "*.")
		if p.coversDNS(d) {
			p.addURI(d)
			return "", nil
		}
		if reason := WideningReason(d); reason != "" {
			return reason, nil
		}
		p.DNS = append(p.DNS, d)
		p.addURI(d)
		p.Widened = append(p.Widened, Widening{Constraint: d, Host: r.Name, Origin: r.Origin})
	case KindIP:
		single := singleAddress(n.IP)
		if netCovered(p.Nets, single) {
			return "", nil
		}
		if !r.Origin.typed() {
			return fmt.Sprintf("%s is a public address; only --host typed on the command line (or your own rtdev.local.toml) can add one to a new CA", n.Value), nil
		}
		p.Nets = append(p.Nets, single)
		p.Widened = append(p.Widened, Widening{Constraint: single.String(), Host: r.Name, Origin: r.Origin})
	default:
		err := &NameError{Input: r.Name, Reason: "a CA permits DNS names and IP addresses; give the domain or host instead"}
		if r.Origin != OriginFlag {
			return err.Error(), nil
		}
		return "", err
	}
	return "", nil
}

func (p *ConstraintPlan) coversDNS(d string) bool {
	return slices.ContainsFunc(p.DNS, func(have string) bool { return dnsMatch(d, have) })
}

// addURI permits URIs on host d and below, once, when d is multi-label.
func (p *ConstraintPlan) addURI(d string) {
	if !strings.Contains(d, ".") || slices.Contains(p.URIs, d) {
		return
	}
	for _, have := range p.URIs {
		if strings.HasPrefix(have, ".") && dnsMatch(d, have) {
			return
		}
	}
	p.URIs = append(p.URIs, d, "."+d)
}

// WideningReason says why DNS name d (ASCII, no wildcard) may not become a
// constraint of its own, or "" when it may. A constraint permits the whole
// subtree below it (RFC 5280 §4.2.1.10), so a top-level name or a public
// suffix would let the CA certify every site registered under it.
func WideningReason(d string) string {
	if !strings.Contains(d, ".") {
		return fmt.Sprintf("%s is a single label: as a constraint it would permit every name ending in .%s", d, d)
	}
	if suffix, _ := publicsuffix.PublicSuffix(d); suffix == d {
		return fmt.Sprintf("%s is a public suffix: as a constraint it would permit every site registered under it", d)
	}
	return ""
}

// suggestPrivate turns a refused host into a name under .test.
func suggestPrivate(host string) string {
	h := strings.TrimPrefix(strings.ToLower(host), "*.")
	if net.ParseIP(h) != nil || h == "" {
		return "app.test"
	}
	label, _, _ := strings.Cut(h, ".")
	return label + ".test"
}

// Widenings reports the constraints of an existing CA beyond the built-ins,
// for `rtdev ca info` and doctor (which host asked for them is not recorded
// in the certificate).
func (k Constraints) Widenings() (dns []string, nets []*net.IPNet) {
	for _, d := range k.DNS {
		if !slices.Contains(permittedDNS, d) {
			dns = append(dns, d)
		}
	}
	builtin := PermittedNets()
	for _, n := range k.IPRanges {
		if !slices.ContainsFunc(builtin, func(b *net.IPNet) bool { return b.String() == n.String() }) {
			nets = append(nets, n)
		}
	}
	return dns, nets
}
