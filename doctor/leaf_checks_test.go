package doctor

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"net"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rtdev/rtdev/project"
)

// writeLeaf replaces the project certificate and key with a leaf signed
// by the project's CA for tmpl, which sets names and dates.
func writeLeaf(t *testing.T, p testProject, tmpl *x509.Certificate) {
	t.Helper()
	parent := testCert{cert: p.res.CA.Cert, key: p.res.CA.Key}
	leaf := makeCert(t, tmpl, &parent, nil)
	der, err := x509.MarshalPKCS8PrivateKey(leaf.key)
	if err != nil {
		t.Fatal(err)
	}
	write(t, p.opts.Layout.Cert, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leaf.cert.Raw})), 0o644)
	write(t, p.opts.Layout.Key, string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), 0o600)
}

func TestCheckLeaf(t *testing.T) {
	sys := fakeSystem{hostname: "devbox", wifi: "192.168.1.20"}
	// The names a fresh project certificate has on this machine.
	names := func(from, to time.Time) *x509.Certificate {
		return &x509.Certificate{Subject: pkix.Name{CommonName: "localhost"}, NotBefore: from, NotAfter: to,
			DNSNames:    append([]string{"localhost", "*.localhost", "devbox.local", "*." + project.ServiceAliasDomain}, project.ContainerHosts...),
			IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback, net.IPv4(192, 168, 1, 20), net.IPv4(10, 0, 2, 2)}}
	}
	now := time.Now()
	for _, tc := range []struct {
		name    string
		prepare func(t *testing.T, p *testProject)
		want    string
	}{
		{name: "healthy", want: IDLeafOK},
		{name: "missing", prepare: func(t *testing.T, p *testProject) { remove(t, p.opts.Layout.Cert) }, want: IDLeafMissing},
		{name: "unreadable", prepare: func(t *testing.T, p *testProject) { write(t, p.opts.Layout.Cert, "junk", 0o644) }, want: IDLeafInvalid},
		{name: "key missing", prepare: func(t *testing.T, p *testProject) { remove(t, p.opts.Layout.Key) }, want: IDLeafKeyMissing},
		{name: "key of another certificate", prepare: func(t *testing.T, p *testProject) {
			write(t, p.opts.Layout.Key, string(issue(t, p.res.CA, "localhost").KeyPEM), 0o600)
		}, want: IDLeafKeyMismatch},
		{name: "key not a key", prepare: func(t *testing.T, p *testProject) { write(t, p.opts.Layout.Key, "junk", 0o600) }, want: IDLeafKeyMismatch},
		{name: "key readable", prepare: func(t *testing.T, p *testProject) { chmod(t, p.opts.Layout.Key, 0o644) }, want: IDLeafKeyReadable},
		{name: "signed by another CA", prepare: func(t *testing.T, p *testProject) {
			other := newProject(t, sys, project.Defaults())
			copyFile(t, other.opts.Layout.Cert, p.opts.Layout.Cert)
			copyFile(t, other.opts.Layout.Key, p.opts.Layout.Key)
		}, want: IDLeafWrongCA},
		{name: "expired", prepare: func(t *testing.T, p *testProject) {
			writeLeaf(t, *p, names(now.AddDate(0, -4, 0), now.AddDate(0, -1, 0)))
		}, want: IDLeafExpired},
		{name: "not yet valid", prepare: func(t *testing.T, p *testProject) {
			writeLeaf(t, *p, names(now.AddDate(0, 1, 0), now.AddDate(0, 4, 0)))
		}, want: IDLeafNotYetValid},
		{name: "renewal due", prepare: func(t *testing.T, p *testProject) {
			writeLeaf(t, *p, names(now.AddDate(0, 0, -80), now.AddDate(0, 0, 10)))
		}, want: IDLeafRenewalDue},
		{name: "wifi address changed", prepare: func(t *testing.T, p *testProject) {
			p.opts.System = fakeSystem{hostname: "devbox", wifi: "10.1.2.3"}
		}, want: IDLeafLANChanged},
		{name: "container, VM and VPN interfaces came up", prepare: func(t *testing.T, p *testProject) {
			// Incus, libvirt and WireGuard interfaces: not a LAN
			// address that changed, so not a problem.
			up := func(name string, kind project.InterfaceKind, addr string) project.Interface {
				return project.Interface{Name: name, Up: true, Kind: kind, Addrs: []*net.IPNet{{IP: net.ParseIP(addr), Mask: net.CIDRMask(24, 32)}}}
			}
			p.opts.System = fakeSystem{hostname: "devbox", wifi: "192.168.1.20", virtual: []project.Interface{
				up("incusbr0", project.KindBridge, "10.40.1.1"), up("vnet3", project.KindTun, "192.168.122.9"), up("wg0", project.KindWireGuard, "10.66.0.2"),
			}}
		}, want: IDLeafOK},
		{name: "host added to rtdev.toml", prepare: func(t *testing.T, p *testProject) {
			p.opts.Config.Hosts = []string{"chat.localhost"}
		}, want: IDLeafHostMissing},
		{name: "host the CA does not permit", prepare: func(t *testing.T, p *testProject) {
			p.opts.Config.Hosts = []string{"example.com"}
		}, want: IDLeafHostNotPermitted},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newProject(t, sys, project.Defaults())
			if tc.prepare != nil {
				tc.prepare(t, &p)
			}
			c, _ := checkCA(p.opts.CADir, now, nil)
			p.opts = p.opts.withDefaults()
			fs := checkLeaf(p.opts, c)
			f := mustFind(t, fs, tc.want)
			if tc.want != IDLeafOK {
				mustNotFind(t, fs, IDLeafOK)
				if !f.Severity.Problem() {
					t.Errorf("%s is not a problem: %+v", tc.want, f)
				}
				// Each situation is reported by its own check alone.
				if got := problems(fs); !slices.Equal(got, []string{tc.want}) {
					t.Errorf("problems %v, want only %s", describe(fs), tc.want)
				}
			} else if got := problems(fs); len(got) != 0 {
				t.Errorf("problems %v", describe(fs))
			}
		})
	}
}

func TestCheckLeafLANDetails(t *testing.T) {
	p := newProject(t, fakeSystem{hostname: "devbox", wifi: "192.168.1.20"}, project.Defaults())
	p.opts.System = fakeSystem{hostname: "devbox", wifi: "192.168.7.9"}
	c, _ := checkCA(p.opts.CADir, time.Now(), nil)
	f := mustFind(t, checkLeaf(p.opts.withDefaults(), c), IDLeafLANChanged)
	if f.Details["host"] != "192.168.7.9" || f.Fix != "rtdev init" || f.Severity != SeverityWarn {
		t.Errorf("finding %+v", f)
	}
}

// TestCheckCACopies: each copy of the CA in .rtdev/ must be this CA; the
// combined bundle may be absent (a system without a root bundle has none).
func TestCheckCACopies(t *testing.T) {
	mine, other := newRTDevCA(t), newRTDevCA(t)
	lay := project.NewLayout(t.TempDir())
	if err := os.MkdirAll(lay.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(path string, data []byte) {
		t.Helper()
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(lay.CA, mine.CertPEM)
	write(lay.CADER, mine.Cert.Raw)
	if fs := checkCACopies(lay, mine.Cert); len(fs) != 0 {
		t.Fatalf("good copies, no bundle: %v", describe(fs))
	}
	write(lay.Bundle, append([]byte("# roots\n"), other.CertPEM...))
	write(lay.CADER, other.Cert.Raw)
	fs := checkCACopies(lay, mine.Cert)
	got := map[string]bool{}
	for _, f := range fs {
		if f.ID != IDProjectCAStale || f.Severity != SeverityError || f.Fix != fixInit {
			t.Errorf("finding %+v, want %s, an error fixed by %s", f, IDProjectCAStale, fixInit)
		}
		got[f.Subject] = true
	}
	if len(fs) != 2 || !got[lay.Bundle] || !got[lay.CADER] {
		t.Errorf("findings for %v, want the bundle and ca.der", describe(fs))
	}
	write(lay.Bundle, append([]byte("# roots\n"), mine.CertPEM...))
	if err := os.Remove(lay.CA); err != nil {
		t.Fatal(err)
	}
	if fs := checkCACopies(lay, mine.Cert); len(fs) != 2 || !strings.Contains(fs[0].Message, "is missing") {
		t.Errorf("no ca.pem, another ca.der: %v", describe(fs))
	}
}
