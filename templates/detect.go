package templates

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
)

// Detection is a target that applies to a project, and why.
type Detection struct {
	Target      string
	Because     string // e.g. "package.json depends on vite"
	RequiresRSA bool
}

// npmRules map a package.json dependency to the target configuring it, in
// the order Detect reports them. The Vite-based frameworks that carry their
// own config (Astro, Nuxt) win over a plain "vite" dependency.
var npmRules = []struct{ dep, target string }{
	{"nuxt", "nuxt"},
	{"astro", "astro"},
	{"@sveltejs/kit", "vite"},
	{"@react-router/dev", "vite"},
	{"@remix-run/dev", "vite"},
	{"vite", "vite"},
	{"next", "next"},
	{"next", "next-config"},
	{"react-scripts", "cra"},
	{"webpack-dev-server", "webpack"},
	{"@angular/build", "angular"},
	{"@angular-devkit/build-angular", "angular"},
	{"peerjs", "peerjs"},
	{"centrifuge", "centrifuge-js"},
	{"peer", "peerjs-server"},
	{"socket.io", "socketio"},
	{"ws", "node-ws"},
}

// configFiles name a target by a file the tool reads.
var configFiles = []struct{ glob, target string }{
	{"nuxt.config.*", "nuxt"},
	{"astro.config.*", "astro"},
	{"vite.config.*", "vite"},
	{"next.config.*", "next"},
	{"next.config.*", "next-config"},
	{"angular.json", "angular"},
	{"go.mod", "go"},
	{"deno.json", "deno"},
	{"deno.jsonc", "deno"},
	{"bun.lock", "bun"},
	{"bun.lockb", "bun"},
}

// textRules name a target by a word in a manifest that is not worth parsing.
var textRules = []struct {
	file   string
	re     *regexp.Regexp
	target string
	what   string
}{
	{"requirements.txt", regexp.MustCompile(`(?mi)^\s*websockets\b`), "python-websockets", "websockets"},
	{"pyproject.toml", regexp.MustCompile(`(?mi)["'\s]websockets\b`), "python-websockets", "websockets"},
	{"Pipfile", regexp.MustCompile(`(?mi)^\s*websockets\s*=`), "python-websockets", "websockets"},
	{"composer.json", regexp.MustCompile(`"cboden/ratchet"`), "ratchet", "cboden/ratchet"},
	{"composer.json", regexp.MustCompile(`"react/socket"`), "ratchet", "react/socket"},
	{"pubspec.yaml", regexp.MustCompile(`(?m)^\s+centrifuge\s*:`), "centrifuge-dart", "centrifuge"},
	{"pom.xml", regexp.MustCompile(`spring-boot`), "spring-boot", "Spring Boot"},
	{"build.gradle", regexp.MustCompile(`spring-boot`), "spring-boot", "Spring Boot"},
	{"build.gradle.kts", regexp.MustCompile(`spring-boot`), "spring-boot", "Spring Boot"},
}

// webSDK is the MSBuild SDK of ASP.NET Core projects.
var webSDK = regexp.MustCompile(`Sdk="Microsoft\.NET\.Sdk\.Web"`)

// Detect reports the targets that apply to the project in dir, from its
// manifests and config files. Missing files are not an error; a manifest
// that cannot be parsed is.
func Detect(dir string) ([]Detection, error) {
	var det detector
	if err := det.packageJSON(dir); err != nil {
		return nil, err
	}
	for _, c := range configFiles {
		matches, err := filepath.Glob(filepath.Join(dir, c.glob))
		if err != nil {
			return nil, fmt.Errorf("detect %s: %w", c.glob, err)
		}
		if len(matches) > 0 {
			det.add(c.target, filepath.Base(matches[0])+" is present")
		}
	}
	if det.has("nuxt") || det.has("astro") {
		det.drop("vite")
	}
	for _, r := range textRules {
		b, err := readOptional(filepath.Join(dir, r.file))
		if err != nil {
			return nil, err
		}
		if r.re.Match(b) {
			det.add(r.target, r.file+" lists "+r.what)
		}
	}
	csproj, err := filepath.Glob(filepath.Join(dir, "*.csproj"))
	if err != nil {
		return nil, fmt.Errorf("detect *.csproj: %w", err)
	}
	for _, p := range csproj {
		b, err := readOptional(p)
		if err != nil {
			return nil, err
		}
		if webSDK.Match(b) {
			det.add("kestrel", filepath.Base(p)+" uses Microsoft.NET.Sdk.Web")
		}
	}
	if err := det.centrifugo(dir); err != nil {
		return nil, err
	}
	return det.out, nil
}

type detector struct{ out []Detection }

func (d *detector) has(target string) bool {
	for _, x := range d.out {
		if x.Target == target {
			return true
		}
	}
	return false
}

// add records target once, with the first reason found.
func (d *detector) add(target, because string) {
	if d.has(target) {
		return
	}
	t, _ := Lookup(target)
	d.out = append(d.out, Detection{Target: target, Because: because, RequiresRSA: t.RequiresRSA})
}

func (d *detector) drop(target string) {
	out := d.out[:0]
	for _, x := range d.out {
		if x.Target != target {
			out = append(out, x)
		}
	}
	d.out = out
}

func (d *detector) packageJSON(dir string) error {
	pkg, err := readPackageJSON(dir)
	if err != nil || pkg == nil {
		return err
	}
	for _, r := range npmRules {
		_, dep := pkg.Dependencies[r.dep]
		_, dev := pkg.DevDependencies[r.dep]
		if dep || dev {
			d.add(r.target, "package.json depends on "+r.dep)
		}
	}
	return nil
}

// centrifugo recognises a Centrifugo config.json and its layout: v6 nests
// the server under http_server and the client options under client; v5 has
// flat keys such as token_hmac_secret_key and allowed_origins
// (centrifugal/centrifugo converterv6 key map).
func (d *detector) centrifugo(dir string) error {
	b, err := readOptional(filepath.Join(dir, "config.json"))
	if err != nil || b == nil {
		return err
	}
	var cfg map[string]json.RawMessage
	if json.Unmarshal(b, &cfg) != nil {
		return nil // some other tool's config.json, not ours to judge
	}
	_, httpServer := cfg["http_server"]
	_, client := cfg["client"]
	v5 := false
	for _, k := range []string{"token_hmac_secret_key", "api_key", "admin_password", "allowed_origins", "tls_cert"} {
		if _, ok := cfg[k]; ok {
			v5 = true
		}
	}
	switch {
	case httpServer || (client && !v5):
		d.add("centrifugo-v6", "config.json has Centrifugo v6 sections (http_server, client)")
	case v5:
		d.add("centrifugo-v5", "config.json has Centrifugo v5 keys (flat token_hmac_secret_key, allowed_origins)")
	}
	return nil
}

// readOptional reads a file, returning nil for one that does not exist.
func readOptional(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("detect: %w", err)
	}
	return b, nil
}
