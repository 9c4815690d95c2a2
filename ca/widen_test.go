package ca

import (
	"errors"
	"strings"
	"testing"
)

// TestPlanConstraintsRules is the rule table for what may widen a new CA:
// a committed rtdev.toml names hosts but never widens the CA to the web.
func TestPlanConstraintsRules(t *testing.T) {
	tests := []struct {
		name     string
		o        CreateOptions
		widened  string // constraints beyond the built-ins, comma separated
		refused  string // refused hosts, comma separated
		errMatch string // a refused --host: the error
	}{
		{name: "public suffix com in rtdev.toml", o: cfgHosts("com"), refused: "com"},
		{name: "public suffix dev in rtdev.toml", o: cfgHosts("dev"), refused: "dev"},
		{name: "private public suffix github.io", o: cfgHosts("github.io"), refused: "github.io"},
		{name: "co.uk and wildcard on it", o: cfgHosts("co.uk", "*.co.uk"), refused: "co.uk,*.co.uk"},
		{name: "own subtree only", o: cfgHosts("*.app.example.com"), widened: "app.example.com"},
		{name: "registrable name", o: cfgHosts("example.com"), widened: "example.com"},
		{name: "covered by a built-in", o: cfgHosts("app.localhost", "nas.home.arpa", "192.168.1.5", "10.0.2.2")},
		{name: "machine named dev", o: CreateOptions{Hostname: "dev"}, refused: "dev"},
		{name: "machine named laptop", o: CreateOptions{Hostname: "laptop"}, refused: "laptop"},
		{name: "machine with a domain", o: CreateOptions{Hostname: "laptop.corp.example"}, widened: "laptop.corp.example"},
		{name: "odd hostname skipped quietly", o: CreateOptions{Hostname: "My_Laptop (2)"}},
		{name: "public IP in rtdev.toml", o: cfgHosts("203.0.113.9", "2001:db8::9"), refused: "203.0.113.9,2001:db8::9"},
		{name: "public IP typed", o: flagHosts("203.0.113.9"), widened: "203.0.113.9/32"},
		{name: "invalid name in rtdev.toml", o: cfgHosts("bad..name"), refused: "bad..name"},
		{name: "--host com", o: flagHosts("com"), errMatch: "--host com cannot widen the CA: com is a single label"},
		{name: "--host github.io", o: flagHosts("github.io"), errMatch: "github.io is a public suffix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := PlanConstraints(tt.o)
			if tt.errMatch != "" {
				var we *WideningError
				if !errors.As(err, &we) || !strings.Contains(err.Error(), tt.errMatch) || we.Hint() == "" {
					t.Fatalf("PlanConstraints = %v, want a WideningError with %q and a hint", err, tt.errMatch)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var widened, refused []string
			for _, w := range p.Widened {
				widened = append(widened, w.Constraint)
			}
			for _, r := range p.Refused {
				refused = append(refused, r.Host)
				if r.Reason == "" {
					t.Errorf("refusal of %s has no reason", r.Host)
				}
			}
			if got := strings.Join(widened, ","); got != tt.widened {
				t.Errorf("widened = %q, want %q", got, tt.widened)
			}
			if got := strings.Join(refused, ","); got != tt.refused {
				t.Errorf("refused = %q, want %q", got, tt.refused)
			}
		})
	}
}

// TestCommittedComCannotCertifyTheWeb is the reported attack: hosts =
// ["com"] in a committed rtdev.toml, then `rtdev cert paypal.com`.
func TestCommittedComCannotCertifyTheWeb(t *testing.T) {
	c := newCA(t, cfgHosts("com", "dev", "github.io"))
	for _, name := range []string{"paypal.com", "com", "web.dev", "someone.github.io"} {
		n := mustNames(t, name)[0]
		if err := c.Permits(n); err == nil {
			t.Errorf("CA from a committed rtdev.toml permits %s", name)
		}
		if _, err := c.Issue(LeafOptions{Names: []Name{n}}); err == nil {
			t.Errorf("Issue(%s) succeeded", name)
		}
		if err := goVerify(c, signBypass(t, c, []Name{n}).Cert); err == nil {
			t.Errorf("Go's verifier accepts a bypass leaf for %s", name)
		}
	}
	var ce *ConstraintError
	err := c.Permits(mustNames(t, "com")[0])
	if !errors.As(err, &ce) || !strings.Contains(ce.Hint(), "--unconstrained") {
		t.Errorf("Hint for com = %v, want the --unconstrained way (no constrained CA can permit com)", err)
	}
}

func TestUnconstrainedLiftsTheRules(t *testing.T) {
	o := flagHosts("com")
	o.Unconstrained = true
	c := newCA(t, o)
	if err := c.Permits(mustNames(t, "paypal.com")[0]); err != nil {
		t.Fatalf("unconstrained CA: %v", err)
	}
}

func cfgHosts(h ...string) CreateOptions  { return hostsFrom(OriginConfig, h) }
func flagHosts(h ...string) CreateOptions { return hostsFrom(OriginFlag, h) }

func hostsFrom(origin HostOrigin, hosts []string) CreateOptions {
	var o CreateOptions
	for _, h := range hosts {
		o.Hosts = append(o.Hosts, HostRequest{Name: h, Origin: origin})
	}
	return o
}
