package templates

import (
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"testing"

	"github.com/rtdev/rtdev/project"
)

func TestRegistry(t *testing.T) {
	targets := Targets()
	if !sort.SliceIsSorted(targets, func(i, j int) bool { return targets[i].Name < targets[j].Name }) {
		t.Error("Targets() is not sorted by name")
	}
	kinds := map[string]bool{KindFrontend: true, KindClient: true, KindServer: true, KindProxy: true, KindRuntime: true}
	names := map[string]string{}
	for _, tg := range targets {
		if tg.Description == "" || tg.File == "" || tg.Lang == "" || !kinds[tg.Kind] {
			t.Errorf("%s: incomplete %+v", tg.Name, tg)
		}
		if _, ok := checkers[tg.Lang]; !ok && !unchecked[tg.Lang] && tg.Name != "env" {
			t.Errorf("%s: no checker runs language %q", tg.Name, tg.Lang)
		}
		for _, n := range append([]string{tg.Name}, tg.Aliases...) {
			if other, dup := names[n]; dup {
				t.Errorf("name %q is used by %s and %s", n, other, tg.Name)
			}
			names[n] = tg.Name
		}
		if tg.Name == "env" {
			continue
		}
		if _, err := fs.Stat(snippetFS, "snippets/"+tg.Name+".tmpl"); err != nil {
			t.Errorf("%s: %v", tg.Name, err)
		}
	}
	tmpls, err := fs.Glob(snippetFS, "snippets/*.tmpl")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range tmpls {
		name := strings.TrimSuffix(strings.TrimPrefix(p, "snippets/"), ".tmpl")
		if _, ok := Lookup(name); !ok {
			t.Errorf("%s has no target", p)
		}
	}
}

func TestLookup(t *testing.T) {
	tests := []struct{ in, want string }{
		{"vite", "vite"},
		{"SvelteKit", "vite"},
		{"react-router", "vite"},
		{"astro", "astro"},
		{"nextjs", "next"},
		{"create-react-app", "cra"},
		{"centrifugo", "centrifugo-v6"},
		{"socket.io", "socketio"},
		{" nginx ", "nginx"},
		{"nope", ""},
	}
	for _, tt := range tests {
		got, ok := Lookup(tt.in)
		if ok != (tt.want != "") || got.Name != tt.want {
			t.Errorf("Lookup(%q) = %q, %v; want %q", tt.in, got.Name, ok, tt.want)
		}
	}
}

func TestClosest(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want []string
	}{
		{"vitee", 3, []string{"vite"}},
		{"ngnix", 1, []string{"nginx"}},
		{"centrifugo", 3, []string{"centrifugo-v6", "centrifuge-js", "centrifugo-v5"}},
		{"pyhton-websockets", 1, []string{"python-websockets"}},
		{"svelte", 3, []string{"vite"}},
		{"zzzzzzzz", 3, nil},
		{"vite", 0, nil},
	}
	for _, tt := range tests {
		got := Closest(tt.in, tt.n)
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("Closest(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

func TestRenderErrors(t *testing.T) {
	d := goldenData()
	var unknown *UnknownTargetError
	_, err := Render("vitee", d)
	if !errors.As(err, &unknown) || unknown.Hint() != "rtdev snippet vite" {
		t.Errorf("unknown target: err = %v", err)
	}
	_, err = Render("qqqqqqqq", d)
	if !errors.As(err, &unknown) || unknown.Hint() != "rtdev snippet --list" {
		t.Errorf("unknown target without suggestion: err = %v", err)
	}

	noP12 := d
	noP12.P12File = ""
	var missingFile *MissingFileError
	_, err = Render("spring-boot", noP12)
	if !errors.As(err, &missingFile) || missingFile.File != "cert.p12" || missingFile.Hint() != "rtdev init" {
		t.Errorf("spring-boot without a .p12: err = %v", err)
	}

	dollar := d
	dollar.KeyFile = "/home/$USER/.rtdev/key.pem"
	var unsupported *UnsupportedPathError
	_, err = Render("nginx", dollar)
	if !errors.As(err, &unsupported) || unsupported.Path != dollar.KeyFile {
		t.Errorf("nginx with $ in a path: err = %v", err)
	}
}

func TestRenderCRAKeyType(t *testing.T) {
	d := goldenData()
	for keyType, warn := range map[string]bool{"ecdsa": true, "": true, "rsa": false} {
		d.KeyType = keyType
		out, err := Render("cra", d)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out, "WARNING") != warn {
			t.Errorf("key type %q: warning shown = %v, want %v", keyType, !warn, warn)
		}
		if !strings.Contains(out, "rtdev init --rsa") || !strings.Contains(out, `key_type = "rsa"`) {
			t.Errorf("key type %q: the snippet does not say how to get an RSA key", keyType)
		}
	}
}

// TestRenderRelative: the committed files (vite.config.js, nuxt.config.ts,
// package.json scripts, .env) get project-relative paths unless Absolute;
// the others, whose tools resolve from elsewhere, stay absolute.
func TestRenderRelative(t *testing.T) {
	d := goldenData()
	for name, want := range map[string]string{
		"vite":          "'.rtdev/key.pem'", // Vite resolves from the project root
		"nuxt":          "'.rtdev/key.pem'",
		"next":          "--experimental-https-key .rtdev/key.pem",
		"nuxt-cli":      "--https.key .rtdev/key.pem",
		"peerjs-server": "--sslkey .rtdev/key.pem",
		"cra":           "SSL_KEY_FILE='.rtdev/key.pem'", // react-scripts resolves from the app folder
		"nginx":         `"/home/dev/chat app/.rtdev/key.pem"`,
		"go":            `"/home/dev/chat app/.rtdev/key.pem"`,
	} {
		out, err := Render(name, d)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out, want) {
			t.Errorf("%s: no %s in\n%s", name, want, out)
		}
	}
	abs := d
	abs.Absolute = true
	for _, name := range []string{"vite", "nuxt", "next"} {
		out, err := Render(name, abs)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out, "/home/dev/chat app/.rtdev/key.pem") {
			t.Errorf("%s with Absolute: no absolute key path in\n%s", name, out)
		}
	}
	outside := d
	outside.KeyFile = "/elsewhere/key.pem"
	out, err := Render("vite", outside)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "'/elsewhere/key.pem'") {
		t.Errorf("a file outside the project must stay absolute:\n%s", out)
	}
}

func TestRenderHeaders(t *testing.T) {
	d := goldenData()
	for _, tg := range Targets() {
		out, err := Render(tg.Name, d)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitN(out, "\n", 3)
		first := lines[0]
		if tg.Lang == "php" {
			first = lines[1]
		}
		switch tg.Lang {
		case "json":
			if strings.Contains(out, "rtdev:") {
				t.Errorf("%s: strict JSON cannot carry a comment", tg.Name)
			}
		case "xml": // after the XML declaration
			if !strings.HasPrefix(lines[1], "<!-- rtdev: ") {
				t.Errorf("%s: second line %q", tg.Name, lines[1])
			}
		case "js", "ts", "go", "dart", "php", "jsonc":
			if !strings.HasPrefix(first, "// rtdev: ") {
				t.Errorf("%s: first line %q", tg.Name, first)
			}
		default:
			if !strings.HasPrefix(first, "# rtdev: ") {
				t.Errorf("%s: first line %q", tg.Name, first)
			}
		}
	}
}

func TestDefaultsAndOrigins(t *testing.T) {
	d := Data{CertFile: "/c.pem", KeyFile: "/k.pem", CAFile: "/ca.pem", Host: "::1"}
	v := newView(mustLookup(t, "socketio"), d)
	if v.Port() != 3000 || v.ServePort != 9000 || v.ServePath != "/" || v.ServeKey != "peerjs" || v.Bind() != "127.0.0.1" {
		t.Errorf("defaults: port %d, bind %s, %+v", v.Port(), v.Bind(), v.Data)
	}
	if want := "https://[::1]:5173,https://localhost:5173,https://127.0.0.1:5173"; strings.Join(v.Origin(), ",") != want {
		t.Errorf("origins = %q, want %s", v.Origin(), want)
	}
	if v.WSURL() != "wss://[::1]:3000/" {
		t.Errorf("WSURL = %s", v.WSURL())
	}
	d.LANAddress, d.AppPort, d.PagePort = "192.168.1.20", 4000, 8080
	v = newView(mustLookup(t, "socketio"), d)
	if v.Port() != 4000 || v.Bind() != "0.0.0.0" || !contains(v.Origin(), "https://192.168.1.20:8080") {
		t.Errorf("LAN: port %d, bind %s, origins %q", v.Port(), v.Bind(), v.Origin())
	}
	if full, _ := v.Fullchain(); full != "/c.pem" {
		t.Errorf("fullchain falls back to the leaf: got %q", full)
	}
}

func mustLookup(t *testing.T, name string) Target {
	t.Helper()
	tg, ok := Lookup(name)
	if !ok {
		t.Fatalf("no target %s", name)
	}
	return tg
}

// The servers rtdev proxy can front unchanged name it: in a comment where
// the language has comments, beside the snippet (Aside) where it has not.
func TestProxyAlternative(t *testing.T) {
	d := goldenData()
	for _, name := range []string{"ratchet", "python-websockets"} {
		text, err := Render(name, d)
		if err != nil {
			t.Fatal(err)
		}
		tg, _ := Lookup(name)
		want := fmt.Sprintf("`rtdev proxy --to %d`", tg.DefaultPort)
		if !strings.Contains(text, want) || Aside(name, d) != "" {
			t.Errorf("%s: want %s in the snippet and no aside", name, want)
		}
	}
	for _, name := range []string{"centrifugo", "centrifugo-v5"} {
		text, err := Render(name, d)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(text, "rtdev proxy") {
			t.Errorf("%s: the note would break the JSON", name)
		}
		if a := Aside(name, d); !strings.Contains(a, "`rtdev proxy --to 8000`") || !strings.Contains(a, "wss://localhost:8443") {
			t.Errorf("%s aside = %q", name, a)
		}
	}
	if a := Aside("vite", d); a != "" {
		t.Errorf("vite aside = %q", a)
	}
}

// CheckTarget refuses what Render would, without the project's data.
func TestCheckTarget(t *testing.T) {
	var unknown *UnknownTargetError
	if err := CheckTarget("vitee", false); !errors.As(err, &unknown) || unknown.Hint() != "rtdev snippet vite" {
		t.Errorf("CheckTarget(vitee) = %v", err)
	}
	var behind *BehindServeError
	if err := CheckTarget("nginx", true); !errors.As(err, &behind) {
		t.Errorf("CheckTarget(nginx, behind serve) = %v", err)
	}
	for _, name := range []string{"vite", "VITE", "env"} {
		if err := CheckTarget(name, name != "VITE"); err != nil {
			t.Errorf("CheckTarget(%q) = %v", name, err)
		}
	}
}

// peerjs-server runs beside rtdev serve, so its snippet has a port of its
// own, neither serve's nor the proxy's, and the peerjs client snippet says
// which server it targets and which port reaches the other.
func TestPeerServerOwnPort(t *testing.T) {
	d := goldenData()
	tg := mustLookup(t, "peerjs-server")
	if p := tg.DefaultPort; p == 0 || p == project.DefaultServePort || p == project.DefaultProxyPort {
		t.Fatalf("peerjs-server's port %d: want one of its own", p)
	}
	server, err := Render("peerjs-server", d)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf(" --port %d ", tg.DefaultPort); !strings.Contains(server, want) {
		t.Errorf("peerjs-server snippet lacks %q:\n%s", want, server)
	}
	client, err := Render("peerjs", d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		fmt.Sprintf("Targets `rtdev serve` on port %d", d.ServePort),
		fmt.Sprintf("port: %d,", d.ServePort),
		"`rtdev snippet peerjs-server`",
		fmt.Sprintf("change port to %d", tg.DefaultPort),
	} {
		if !strings.Contains(client, want) {
			t.Errorf("peerjs snippet lacks %q:\n%s", want, client)
		}
	}
}

// Every server snippet says what it runs on, for each release; no other
// target does, and aliases find it.
func TestSupportCoversServers(t *testing.T) {
	for _, tg := range Targets() {
		s, ok := SupportOf(tg.Name)
		if tg.Kind != KindServer {
			if ok {
				t.Errorf("%s (%s) has support facts; only servers do", tg.Name, tg.Kind)
			}
			continue
		}
		if !ok || s.Versions == "" || s.Debian12 == "" || s.Ubuntu2204 == "" || s.Ubuntu2404 == "" {
			t.Errorf("server %s: support %+v, want versions and what each release ships", tg.Name, s)
		}
	}
	for name := range support {
		if _, ok := Lookup(name); !ok {
			t.Errorf("support names %s, which is no target", name)
		}
	}
	if s, ok := SupportOf("websockets"); !ok || !strings.Contains(s.Versions, "10.1") {
		t.Errorf("SupportOf(websockets) = %+v, %v: want python-websockets' facts by its alias", s, ok)
	}
}
