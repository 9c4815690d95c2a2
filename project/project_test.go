package project

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/ca"
)

type fakeSystem struct {
	host string
	ifs  []Interface
}

func (f fakeSystem) Hostname() (string, error)        { return f.host, nil }
func (f fakeSystem) Interfaces() ([]Interface, error) { return f.ifs, nil }

func cidr(t *testing.T, s string) *net.IPNet {
	t.Helper()
	ip, n, err := net.ParseCIDR(s)
	if err != nil {
		t.Fatal(err)
	}
	n.IP = ip
	return n
}

func TestWantedHostsDetection(t *testing.T) {
	sys := fakeSystem{host: "Dev-Box.corp.example.", ifs: []Interface{
		{Name: "lo", Up: true, Loopback: true, Addrs: []*net.IPNet{cidr(t, "127.0.0.1/8")}},
		{Name: "wlan0", Up: true, Addrs: []*net.IPNet{cidr(t, "192.168.1.20/24"), cidr(t, "fe80::1/64"), cidr(t, "2001:db8::5/64"), cidr(t, "fd00::5/64")}},
		{Name: "eth1", Up: false, Addrs: []*net.IPNet{cidr(t, "10.1.1.1/24")}},
		{Name: "docker0", Up: true, Kind: KindBridge, Addrs: []*net.IPNet{cidr(t, "172.17.0.1/16")}},
		{Name: "veth12ab", Up: true, Kind: KindVeth, Addrs: []*net.IPNet{cidr(t, "172.18.0.1/16")}},
		{Name: "eth0", Up: true, Addrs: []*net.IPNet{cidr(t, "192.0.2.2/24"), cidr(t, "169.254.3.3/16")}},
	}}
	cfg := Defaults()
	cfg.Hosts = []string{"api.test", "LOCALHOST"}
	got := WantedHosts(sys, cfg, []string{"app.localhost", "api.test"})
	var names []string
	for _, h := range got {
		names = append(names, h.Name)
	}
	want := []string{"localhost", "127.0.0.1", "::1", "dev-box.corp.example", "dev-box.local",
		"192.168.1.20", "192.0.2.2", "fd00::5", AndroidEmulatorHost,
		"host.docker.internal", "host.containers.internal", "gateway.docker.internal", "*.rtdev.internal",
		"api.test", "app.localhost"}
	if !reflect.DeepEqual(names, want) {
		t.Fatalf("hosts\n got %v\nwant %v", names, want)
	}
	for _, h := range got {
		// A detected name also asked for (LOCALHOST in rtdev.toml) is
		// requested; --host api.test beats the same name in rtdev.toml.
		requested := h.Name == "api.test" || h.Name == "app.localhost" || h.Name == "localhost"
		if h.Requested != requested {
			t.Errorf("%s: Requested=%v", h.Name, h.Requested)
		}
		if h.Name == "api.test" && h.Source != SourceFlag {
			t.Errorf("api.test: Source=%q, want %q", h.Source, SourceFlag)
		}
	}
}

// TestLANToggleNeverReissues: 10.0.2.2 is wanted with --lan on and off, so
// switching --lan never changes the names, and Ensure leaves the leaf alone.
func TestLANToggleNeverReissues(t *testing.T) {
	dir := t.TempDir()
	sys := fakeSystem{host: "box", ifs: []Interface{{Name: "wlan0", Up: true, Addrs: []*net.IPNet{cidr(t, "192.168.1.20/24")}}}}
	cfg := Defaults()
	opts := EnsureOptions{Layout: NewLayout(dir), Config: cfg, CADir: filepath.Join(dir, "ca"), System: sys}
	first, err := Ensure(opts)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(nameValues(first.Names), AndroidEmulatorHost) {
		t.Fatalf("names %v lack %s without --lan", nameValues(first.Names), AndroidEmulatorHost)
	}
	for _, lan := range []bool{true, false} {
		opts.Config.Serve.LAN = lan
		res, err := Ensure(opts)
		if err != nil {
			t.Fatal(err)
		}
		if res.LeafAction != LeafUnchanged {
			t.Fatalf("lan=%v: leaf %s (%s), want unchanged", lan, res.LeafAction, res.Reason)
		}
	}
}

// TestContainerHostsReissueOnce: a leaf issued before the container names
// were wanted is renewed once to add them, and then left alone: they are
// constant, so the next runs (and Docker starting or stopping) change
// nothing.
func TestContainerHostsReissueOnce(t *testing.T) {
	dir := t.TempDir()
	sys := fakeSystem{host: "box"}
	opts := EnsureOptions{Layout: NewLayout(dir), Config: Defaults(), CADir: filepath.Join(dir, "ca"), System: sys}
	first, err := Ensure(opts)
	if err != nil {
		t.Fatal(err)
	}
	// The leaf an older rtdev issued: the same names without the
	// container ones.
	var old []ca.Name
	for _, n := range first.Names {
		if !slices.Contains(ContainerHosts, n.Value) && n.Value != "*."+ServiceAliasDomain {
			old = append(old, n)
		}
	}
	if len(old) != len(first.Names)-len(ContainerHosts)-1 {
		t.Fatalf("names %v lack the container names", nameValues(first.Names))
	}
	leaf, err := first.CA.Issue(ca.LeafOptions{Names: old})
	if err != nil {
		t.Fatal(err)
	}
	if err := writeCertSet(opts.Layout, first.CA, &EnsureResult{Leaf: leaf}); err != nil {
		t.Fatal(err)
	}
	res, err := Ensure(opts)
	if err != nil {
		t.Fatal(err)
	}
	if res.LeafAction != LeafRenewed || !strings.Contains(res.Reason, "host.docker.internal") {
		t.Fatalf("leaf %s (%s), want renewed to add the container names", res.LeafAction, res.Reason)
	}
	for i := range 2 {
		res, err := Ensure(opts)
		if err != nil {
			t.Fatal(err)
		}
		if res.LeafAction != LeafUnchanged {
			t.Fatalf("run %d after the renewal: leaf %s (%s), want unchanged", i+1, res.LeafAction, res.Reason)
		}
	}
}

func TestLANAddrsNetworksAndPrimary(t *testing.T) {
	sys := fakeSystem{ifs: []Interface{
		{Name: "en0", Up: true, Addrs: []*net.IPNet{cidr(t, "fd00::2/64"), cidr(t, "192.168.7.9/24")}},
	}}
	addrs := LANAddrs(sys)
	if len(addrs) != 2 || addrs[0].IP.String() != "192.168.7.9" || addrs[0].Mask.String() != "ffffff00" {
		t.Fatalf("LANAddrs = %+v", addrs)
	}
	if got := PrimaryLANAddr(sys); got != "192.168.7.9" {
		t.Fatalf("PrimaryLANAddr = %q", got)
	}
	if got := PrimaryLANAddr(fakeSystem{}); got != "" {
		t.Fatalf("PrimaryLANAddr without interfaces = %q", got)
	}
}

// TestGlobalIPv6IsNoLANAddress: a home network with IPv6 gives the Wi-Fi
// a global address (and a NAT64 or documentation one may be there too);
// none of them is a LAN candidate, so no certificate wants them and
// nothing is left out of it. The unique local address is one.
func TestGlobalIPv6IsNoLANAddress(t *testing.T) {
	sys := fakeSystem{host: "box", ifs: []Interface{{Name: "wlan0", Up: true, Addrs: []*net.IPNet{
		cidr(t, "192.168.1.20/24"), cidr(t, "2a02:8070:6389:a100:1234:5678:9abc:def0/64"),
		cidr(t, "2001:db8::5/64"), cidr(t, "64:ff9b::c000:221/96"), cidr(t, "fd12:3456:789a:1::20/64"),
		cidr(t, "fe80::1/64"), cidr(t, "::ffff:192.168.1.21/120"),
	}}}}
	var got []string
	for _, a := range LANAddrs(sys) {
		got = append(got, a.IP.String())
	}
	if want := []string{"192.168.1.20", "192.168.1.21", "fd12:3456:789a:1::20"}; !slices.Equal(got, want) {
		t.Fatalf("LANAddrs = %v, want %v", got, want)
	}
	dir := t.TempDir()
	res, err := Ensure(EnsureOptions{Layout: NewLayout(dir), Config: Defaults(), CADir: filepath.Join(dir, "ca"), System: sys})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.LeftOut) != 0 || !slices.Contains(nameValues(res.Names), "fd12:3456:789a:1::20") {
		t.Errorf("names %v, left out %+v: want the ULA in and nothing left out", nameValues(res.Names), res.LeftOut)
	}
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ConfigFileName)

	cfg, exists, err := loadCommitted(path)
	if err != nil || exists || cfg.Serve.Port != 9000 || cfg.KeyType != "ecdsa" {
		t.Fatalf("missing file: %+v %v %v", cfg, exists, err)
	}

	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("hosts = [\"a.test\"]\n[serve]\nport = 9443\nexpire_timeout = \"2s\"\n")
	cfg, exists, err = loadCommitted(path)
	if err != nil || !exists || cfg.Serve.Port != 9443 || cfg.Serve.ExpireTimeout.Seconds() != 2 || cfg.Serve.Path != "/" {
		t.Fatalf("load: %+v %v %v", cfg, exists, err)
	}

	for _, ok := range []string{"https://example.com/rtdev/{version}", "http://127.0.0.1:8080/dist", "http://[::1]/d", "http://localhost/d"} {
		write("[onboarding]\ninstall = \"release\"\nrelease_url = \"" + ok + "\"\n")
		if cfg, _, err := loadCommitted(path); err != nil || cfg.Onboarding.ReleaseURL != ok {
			t.Errorf("release_url %q: %+v %v", ok, cfg.Onboarding, err)
		}
	}

	cases := []struct{ text, want string }{
		{"hosts = []\n[serve]\nprot = 1\n", `rtdev.toml:3: unknown key "serve.prot" (did you mean serve.port?)`},
		{"host = [\"a.test\"]\n", `rtdev.toml:1: unknown key "host" (did you mean hosts?)`},
		{"[serv]\nport = 1\n", `unknown key "serv" (did you mean serve?)`},
		{"[serve]\nzzzzzzzz = 1\n", `unknown key "serve.zzzzzzzz"`},
		{"key_type = \"dsa\"\n", `key_type "dsa"`},
		{"[serve]\nport = 70000\n", "serve.port 70000"},
		{"[serve]\nalive_timeout = \"soon\"\n", `duration "soon"`},
		{"hosts = [\n", "rtdev.toml:"},
		{"[onboarding]\ninstal = \"go\"\n", `rtdev.toml:2: unknown key "onboarding.instal" (did you mean onboarding.install?)`},
		{"[onboarding]\ninstall = \"brew\"\n", `onboarding.install "brew"`},
		{"[onboarding]\ninstall = \"release\"\n", "needs release_url"},
		{"[onboarding]\ninstall = \"go\"\nrelease_url = \"https://example.com/\"\n", "only with install"},
		{"[onboarding]\ninstall = \"release\"\nrelease_url = \"http://example.com/r\"\n", "only to a loopback address"},
		{"[onboarding]\ninstall = \"release\"\nrelease_url = \"http://10.0.0.1/r\"\n", "only to a loopback address"},
		{"[onboarding]\ninstall = \"release\"\nrelease_url = \"https://u:p@example.com/r\"\n", "password"},
		{"[onboarding]\ninstall = \"release\"\nrelease_url = \"https://example.com/r?x=1\"\n", "query"},
		{"[onboarding]\ninstall = \"release\"\nrelease_url = \"ftp://example.com/r\"\n", `scheme "ftp"`},
		{"[onboarding]\ninstall = \"release\"\nrelease_url = \"example.com/r\"\n", "not an absolute URL"},
	}
	for _, c := range cases {
		write(c.text)
		_, _, err := loadCommitted(path)
		var ce *ConfigError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: err = %v, want a ConfigError containing %q", c.text, err, c.want)
		}
		if ce != nil && !strings.Contains(ce.Hint(), path) {
			t.Errorf("hint %q does not name the file", ce.Hint())
		}
	}
}

func TestNewConfigRoundTrips(t *testing.T) {
	path := filepath.Join(t.TempDir(), ConfigFileName)
	c := Defaults()
	c.Hosts = []string{"x.test"}
	c.Targets = []string{"vite"}
	if err := WriteNewConfig(path, c); err != nil {
		t.Fatal(err)
	}
	if err := WriteNewConfig(path, c); err == nil {
		t.Fatal("WriteNewConfig replaced an existing file")
	}
	got, _, err := loadCommitted(path)
	if err != nil || !reflect.DeepEqual(got.Hosts, c.Hosts) || !reflect.DeepEqual(got.Targets, c.Targets) {
		t.Fatalf("round trip: %+v %v", got, err)
	}
}

func TestSetHostsAndKeyTypeKeepTheRest(t *testing.T) {
	path := filepath.Join(t.TempDir(), ConfigFileName)
	orig := "# team settings\nhosts = [\"a.test\"] # ours\n\n[serve]\nport = 9001 # fixed\n"
	if err := os.WriteFile(path, []byte(orig), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := SetHosts(path, []string{"a.test", "b.test"}); err != nil {
		t.Fatal(err)
	}
	if err := SetKeyType(path, "rsa"); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	want := "key_type = \"rsa\"\n# team settings\nhosts = [\"a.test\", \"b.test\"]\n\n[serve]\nport = 9001 # fixed\n"
	if string(data) != want {
		t.Fatalf("got\n%s\nwant\n%s", data, want)
	}
	cfg, _, err := loadCommitted(path)
	if err != nil || cfg.KeyType != "rsa" || len(cfg.Hosts) != 2 || cfg.Serve.Port != 9001 {
		t.Fatalf("reload: %+v %v", cfg, err)
	}
	if err := os.WriteFile(path, []byte("hosts = [\n  \"a.test\",\n]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := SetHosts(path, []string{"z.test"}); err == nil || !strings.Contains(err.Error(), "several lines") {
		t.Fatalf("multi-line hosts: %v", err)
	}
}

func TestEnsureGitignore(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ".gitignore")
	changed, err := EnsureGitignore(path)
	if err != nil || !changed {
		t.Fatalf("create: %v %v", changed, err)
	}
	changed, err = EnsureGitignore(path)
	if err != nil || changed {
		t.Fatalf("second run changed it: %v %v", changed, err)
	}
	for _, existing := range []string{".rtdev", ".rtdev/", "/.rtdev/*"} {
		if err := os.WriteFile(path, []byte("node_modules\nrtdev.local.toml\n"+existing), 0o644); err != nil {
			t.Fatal(err)
		}
		if changed, err := EnsureGitignore(path); err != nil || changed {
			t.Errorf("%q already ignores the folder, but changed=%v err=%v", existing, changed, err)
		}
	}
	// An ignored folder but not the local settings file: only that is added.
	if err := os.WriteFile(path, []byte("/.rtdev/\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if changed, err := EnsureGitignore(path); err != nil || !changed {
		t.Errorf("rtdev.local.toml not added: %v %v", changed, err)
	}
	if data, _ := os.ReadFile(path); strings.Count(string(data), ".rtdev") != 1 || !strings.HasSuffix(string(data), "\n/rtdev.local.toml\n") {
		t.Errorf(".gitignore = %q", data)
	}
	if err := os.WriteFile(path, []byte("dist"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := EnsureGitignore(path); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	fi, _ := os.Stat(path)
	if !strings.HasPrefix(string(data), "dist\n") || !strings.Contains(string(data), "\n/.rtdev/\n") || !strings.HasSuffix(string(data), "\n/rtdev.local.toml\n") || fi.Mode().Perm() != 0o600 {
		t.Fatalf("appended badly: %q mode %v", data, fi.Mode())
	}
}

func TestFindRoot(t *testing.T) {
	root := t.TempDir()
	sub := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	if got, _ := FindRoot(sub); got != sub {
		t.Fatalf("no rtdev.toml: root = %s, want the working folder", got)
	}
	if err := os.WriteFile(filepath.Join(root, ConfigFileName), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if got, _ := FindRoot(sub); got != root {
		t.Fatalf("root = %s, want %s", got, root)
	}
}

// TestEnsureOnAPublicNetwork: a machine whose interface address is public
// (a CI runner's 192.0.2.2/24) does not widen its new CA to that network;
// the address is left out with the --host command that adds it, and a
// private address of the same interface is in.
func TestEnsureOnAPublicNetwork(t *testing.T) {
	dir := t.TempDir()
	sys := fakeSystem{host: "runner", ifs: []Interface{
		{Name: "eth0", Up: true, Addrs: []*net.IPNet{cidr(t, "192.0.2.2/24"), cidr(t, "fd00::2/64")}},
	}}
	res, err := Ensure(EnsureOptions{Layout: NewLayout(dir), Config: Defaults(), CADir: filepath.Join(dir, "ca"), System: sys})
	if err != nil {
		t.Fatal(err)
	}
	if _, nets := res.CA.Constraints().Widenings(); len(nets) != 0 || len(res.Widened) != 0 {
		t.Fatalf("a public interface widened the CA: %v %+v", nets, res.Widened)
	}
	var ce *ca.ConstraintError
	if len(res.LeftOut) != 1 || res.LeftOut[0].Host.Name != "192.0.2.2" || !errors.As(res.LeftOut[0].Err, &ce) || !strings.Contains(ce.Hint(), "--host 192.0.2.2") {
		t.Fatalf("left out: %+v, want 192.0.2.2 with the --host hint", res.LeftOut)
	}
	if names := nameValues(res.Names); !slices.Contains(names, "fd00::2") || slices.Contains(names, "runner") || !slices.Contains(names, "runner.local") {
		t.Errorf("leaf names %v: want fd00::2 and runner.local, not the single label runner", names)
	}

	// Typed by the user, the public address widens a new CA to itself only.
	dir2 := t.TempDir()
	res, err = Ensure(EnsureOptions{Layout: NewLayout(dir2), Config: Defaults(), CADir: filepath.Join(dir2, "ca"), System: sys, FlagHosts: []string{"192.0.2.2"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Widened) != 1 || res.Widened[0].Constraint != "192.0.2.2/32" || res.Widened[0].Origin != ca.OriginFlag {
		t.Fatalf("Widened = %+v, want 192.0.2.2/32 from --host", res.Widened)
	}
	if !slices.Contains(nameValues(res.Names), "192.0.2.2") || len(res.LeftOut) != 0 {
		t.Errorf("names %v, left out %+v", nameValues(res.Names), res.LeftOut)
	}
}

// TestEnsureCommittedConfigCannotWidenCA is the onboarding attack: a
// committed rtdev.toml with hosts = ["com", "google.com", ...] and a first
// `rtdev init --yes`. The CA permits none of the public names, the leaf
// leaves them out with the reason, and only the name under a private-use
// domain widens it.
func TestEnsureCommittedConfigCannotWidenCA(t *testing.T) {
	dir := t.TempDir()
	cfg := Defaults()
	cfg.Hosts = []string{"com", "github.io", "203.0.113.9", "google.com", "*.github.com", "x.github.io", "app.lan", "app.corp", "*.app.example"}
	res, err := Ensure(EnsureOptions{Layout: NewLayout(dir), Config: cfg, CADir: filepath.Join(dir, "ca"), System: fakeSystem{host: "dev"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Widened) != 1 || res.Widened[0].Constraint != "app.example" || res.Widened[0].Origin != ca.OriginConfig {
		t.Fatalf("Widened = %+v, want only app.example from rtdev.toml", res.Widened)
	}
	var left []string
	for _, l := range res.LeftOut {
		var re *RefusedHostError
		if !errors.As(l.Err, &re) || re.Refusal.Reason == "" {
			t.Errorf("%s left out with %v, want a RefusedHostError with the reason", l.Host.Name, l.Err)
		}
		left = append(left, l.Host.Name)
	}
	if strings.Join(left, ",") != "com,github.io,203.0.113.9,google.com,*.github.com,x.github.io,app.lan,app.corp" {
		t.Errorf("left out %v, want every public name and the public IP", left)
	}
	for _, name := range []string{"paypal.com", "com", "x.github.io", "203.0.113.9", "web.dev", "dev", "google.com", "accounts.google.com", "api.github.com", "app.lan", "app.corp"} {
		if err := res.CA.Permits(mustName(t, name)); err == nil {
			t.Errorf("the CA permits %s", name)
		}
	}
	if !slices.Contains(nameValues(res.Names), "*.app.example") {
		t.Errorf("names %v lack *.app.example", nameValues(res.Names))
	}
}

func nameValues(ns []ca.Name) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.Value
	}
	return out
}

func mustName(t *testing.T, s string) ca.Name {
	t.Helper()
	n, err := ca.ParseName(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestLoadConfigProxyTables(t *testing.T) {
	path := filepath.Join(t.TempDir(), ConfigFileName)
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("[[proxy]]\nto = \"8000\"\n\n[[proxy]]\nport = 9443\nto = \"ws://localhost:8765\"\npath = \"/ws/\"\n")
	cfg, _, err := loadCommitted(path)
	if err != nil {
		t.Fatal(err)
	}
	want := []Proxy{{Port: DefaultProxyPort, To: "8000", Path: "/", From: FromCommitted}, {Port: 9443, To: "ws://localhost:8765", Path: "/ws", From: FromCommitted}}
	if !reflect.DeepEqual(cfg.Proxy, want) {
		t.Errorf("proxy tables = %+v, want %+v", cfg.Proxy, want)
	}

	for _, c := range []struct{ text, want, hint string }{
		// A committed file may not send a --lan proxy to other machines;
		// the hint is the flag that may.
		{"[[proxy]]\nto = \"8000\"\n[[proxy]]\nport = 9443\nto = \"192.168.1.5:8000\"\n", "rtdev.toml:5: [[proxy]] to = \"192.168.1.5:8000\" is not this machine", "rtdev proxy --to 192.168.1.5:8000 --port 9443"},
		{"[[proxy]]\nto = \"http://backend:8000\"\n", "is not this machine", "rtdev proxy --to http://backend:8000"},
		{"[[proxy]]\nport = 9443\n", "rtdev.toml:1: [[proxy]] table 1 has no to", "rtdev.toml"},
		{"[[proxy]]\nto = \"https://localhost:8000\"\n", "rtdev.toml:2: [[proxy]] to:", "http:// or ws://"},
		{"[[proxy]]\nto = \"8000\"\nport = 70000\n", "rtdev.toml:3: [[proxy]] port 70000", "rtdev.toml"},
		{"[[proxy]]\nto = \"8000\"\npath = \"api\"\n", "must start with /", "rtdev.toml"},
		{"[[proxy]]\nto = \"8000\"\n[[proxy]]\nto = \"8001\"\npath = \"/\"\n", "two [[proxy]] tables for port 8443", "rtdev.toml"},
		{"[[proxy]]\nto = \"8000\"\nhost = \"x\"\n", `unknown key "proxy.host"`, "rtdev.toml"},
		{"[[serve.route]]\nto = \"8000\"\npaht = \"/\"\n", `unknown key "serve.route.paht" (did you mean serve.route.path?)`, "rtdev.toml"},
	} {
		write(c.text)
		_, _, err := loadCommitted(path)
		var ce *ConfigError
		if !errors.As(err, &ce) || !strings.Contains(err.Error(), c.want) || !strings.Contains(ce.Hint(), c.hint) {
			t.Errorf("%q:\n err = %v\n want a ConfigError containing %q, hint containing %q (hint: %v)", c.text, err, c.want, c.hint, ce)
		}
	}
}

// loadCommitted reads the committed rtdev.toml at path alone, with the
// committed-file rule applied, as Load does without an rtdev.local.toml.
func loadCommitted(path string) (cfg Config, exists bool, err error) {
	s, err := loadFiles(path, "", FromCommitted)
	return s.Config, s.Exists, err
}
