package compose

import (
	"bytes"
	"context"
	"flag"
	"github.com/rtdev/rtdev/imagetrust"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/sirupsen/logrus"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const baseCompose = `name: chat
services:
  web:
    image: node:22
    command: ["node", "server.js"]
    environment:
      JAVA_TOOL_OPTIONS: -Xmx${HEAP:-256m}
  worker:
    image: python:3.13
    user: "1000:1000"
    profiles: [jobs]
  centrifugo:
    image: centrifugo/centrifugo:v6
  old-centrifugo:
    image: centrifugo/centrifugo:v5.4
  signal:
    image: peerjs/peerjs-server
    command: --port ${SIGNAL_PORT:-9000} --path /
  proxy:
    image: nginxinc/nginx-unprivileged:1.27
    networks: [front, back]
  caddy_box:
    image: caddy:2
networks:
  front: {}
  back: {}
`

const overrideCompose = `services:
  web:
    environment:
      DEBUG: "1"
`

// project writes a compose project into a fresh folder.
func writeProject(t *testing.T, files map[string]string) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "chat")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(root, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func generate(t *testing.T, root string) (Files, *Result) {
	t.Helper()
	f, err := Find(root)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(context.Background(), root, f)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Generate(m, Options{TrustStore: true})
	if err != nil {
		t.Fatal(err)
	}
	return f, res
}

func TestGenerateGolden(t *testing.T) {
	t.Setenv("SIGNAL_PORT", "9443") // must not reach the committed file
	root := writeProject(t, map[string]string{"compose.yaml": baseCompose, "compose.override.yaml": overrideCompose})
	f, res := generate(t, root)
	if f.Main != "compose.yaml" || f.Override != "compose.override.yaml" {
		t.Fatalf("Find = %+v", f)
	}
	golden := filepath.Join("testdata", "override.golden")
	if *update {
		if err := os.WriteFile(golden, res.YAML, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(res.YAML, want) {
		t.Errorf("override differs from %s (go test ./compose -update)\n%s", golden, res.YAML)
	}
	if bytes.Contains(res.YAML, []byte("9443")) || !bytes.Contains(res.YAML, []byte("${SIGNAL_PORT:-9000}")) {
		t.Error("the override must keep the service's ${VAR} as written, not this environment's value")
	}
	notes := map[string][]string{}
	for _, s := range res.Services {
		notes[s.Name] = s.Notes
	}
	has := func(service, note string) bool {
		return slices.ContainsFunc(notes[service], func(n string) bool { return strings.Contains(n, note) })
	}
	if !has("proxy", "ssl_certificate_key "+KeyPath) {
		t.Errorf("nginx notes = %q", notes["proxy"])
	}
	if !has("caddy_box", "tls "+CertPath+" "+KeyPath) {
		t.Errorf("caddy notes = %q", notes["caddy_box"])
	}
	// The adapter: web states its command and runs as root; worker runs
	// as 1000; signal's command is peerjs-server's arguments; proxy has
	// no command.
	for service, note := range map[string]string{"worker": "runs as 1000:1000", "signal": "arguments to its image's entrypoint", "proxy": "no command in its compose entry"} {
		if !has(service, note) {
			t.Errorf("%s notes = %q, want one saying %q", service, notes[service], note)
		}
	}
	if has("web", "adapter") || !bytes.Contains(res.YAML, []byte("- "+imagetrust.AdapterPath)) {
		t.Errorf("web does not run the adapter: %q\n%s", notes["web"], res.YAML)
	}
}

// TestOverrideMergesAsCompose loads the base files plus the override
// through COMPOSE_FILE in .env, as `docker compose` does, and checks what
// the merged services get.
func TestOverrideMergesAsCompose(t *testing.T) {
	root := writeProject(t, map[string]string{"compose.yaml": baseCompose, "compose.override.yaml": overrideCompose})
	f, res := generate(t, root)
	if err := os.WriteFile(filepath.Join(root, OverrideFile), res.YAML, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := UpdateDotEnv(filepath.Join(root, DotEnvFile), DotEnvLines(f, res, 4242, List{})); err != nil {
		t.Fatal(err)
	}
	t.Setenv("COMPOSE_FILE", "")
	os.Unsetenv("COMPOSE_FILE")
	// docker compose resolves COMPOSE_FILE from the folder it runs in.
	t.Chdir(root)
	o, err := cli.NewProjectOptions(nil, cli.WithWorkingDirectory(root), cli.WithEnvFiles(), cli.WithDotEnv, cli.WithConfigFileEnv, cli.WithProfiles([]string{"*"}))
	if err != nil {
		t.Fatal(err)
	}
	p, err := o.LoadProject(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	web := p.Services["web"]
	if web.Environment["DEBUG"] == nil || *web.Environment["DEBUG"] != "1" {
		t.Error("compose.override.yaml was dropped: COMPOSE_FILE must list it")
	}
	if v := web.Environment["JAVA_TOOL_OPTIONS"]; v == nil || !strings.HasPrefix(*v, "-Xmx256m -Djavax.net.ssl.trustStore="+TrustStorePath) {
		t.Errorf("JAVA_TOOL_OPTIONS = %v: the service's own options come first", v)
	}
	if v := web.Environment["SSL_CERT_FILE"]; v == nil || *v != BundlePath {
		t.Errorf("SSL_CERT_FILE = %v", v)
	}
	if !slices.Contains(web.ExtraHosts["host.docker.internal"], "host-gateway") {
		t.Errorf("extra_hosts = %v", web.ExtraHosts)
	}
	var ro []string
	for _, v := range web.Volumes {
		if v.ReadOnly {
			ro = append(ro, v.Source+"->"+v.Target)
		}
	}
	wantRO := []string{filepath.Join(root, ".rtdev", "ca.pem") + "->" + CAPath, filepath.Join(root, ".rtdev", "ca-bundle.pem") + "->" + BundlePath,
		filepath.Join(root, ".rtdev", "truststore.p12") + "->" + TrustStorePath,
		filepath.Join(root, ".rtdev", "snippets", imagetrust.AdapterName) + "->" + imagetrust.AdapterPath}
	// The adapter runs first and execs the service's own command.
	if !slices.Equal(web.Entrypoint, []string{"/bin/sh", imagetrust.AdapterPath}) || !slices.Equal(web.Command, []string{"node", "server.js"}) {
		t.Errorf("web entrypoint %q command %q, want the adapter, then node server.js", web.Entrypoint, web.Command)
	}
	if !slices.Equal(ro, wantRO) {
		t.Errorf("read-only mounts\n got %v\nwant %v", ro, wantRO)
	}
	proxy := p.Services["proxy"]
	if !slices.Equal(proxy.GroupAdd, []string{"4242"}) {
		t.Errorf("proxy group_add = %v, want the gid from .env", proxy.GroupAdd)
	}
	for _, n := range []string{"front", "back"} {
		if nc := proxy.Networks[n]; nc == nil || !slices.Contains(nc.Aliases, "proxy.rtdev.internal") {
			t.Errorf("proxy on %s: %+v", n, nc)
		}
	}
	if _, ok := proxy.Networks["default"]; ok {
		t.Error("the override attached proxy to the default network")
	}
	if got := p.Services["signal"].Command; !slices.Equal(got, []string{"--port", "9000", "--path", "/", "--sslkey", KeyPath, "--sslcert", CertPath}) {
		t.Errorf("peerjs-server command = %q", got)
	}
	if web.GroupAdd != nil {
		t.Errorf("web serves no TLS but got group_add %v", web.GroupAdd)
	}
}

func TestLoadRefusesHostileFiles(t *testing.T) {
	big := "services:\n  a:\n    image: x\n    labels:\n      k: \"" + strings.Repeat("x", MaxFileBytes) + "\"\n"
	many := "services:\n"
	for i := range MaxServices + 1 {
		many += "  s" + strconv.Itoa(i) + ":\n    image: x\n"
	}
	for name, text := range map[string]string{
		"too big":       big,
		"too many":      many,
		"long name":     "services:\n  " + strings.Repeat("a", 64) + ":\n    image: x\n",
		"not yaml":      "services: [\n",
		"escape in key": "services:\n  \"a\\u001b[31m\":\n    image: x\n",
	} {
		t.Run(name, func(t *testing.T) {
			root := writeProject(t, map[string]string{"compose.yaml": text})
			f, err := Find(root)
			if err == nil {
				_, err = Load(context.Background(), root, f)
			}
			if err == nil {
				t.Fatal("loaded")
			}
		})
	}
}

func TestFindPrefersAsCompose(t *testing.T) {
	root := writeProject(t, map[string]string{"docker-compose.yml": "services: {}\n", "compose.yml": "services: {}\n", "docker-compose.override.yml": "services: {}\n"})
	f, err := Find(root)
	if err != nil || f.Main != "compose.yml" || f.Override != "docker-compose.override.yml" {
		t.Fatalf("Find = %+v, %v", f, err)
	}
	if _, err := Find(t.TempDir()); err == nil {
		t.Fatal("Find in an empty folder found something")
	}
}

func TestUpdateDotEnvKeepsOtherLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(path, []byte("# team\nDB=postgres\nexport COMPOSE_FILE=old.yaml\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	lines := []string{"COMPOSE_FILE=compose.yaml:compose.rtdev.yaml", "COMPOSE_PATH_SEPARATOR=:"}
	if changed, err := UpdateDotEnv(path, lines); err != nil || !changed {
		t.Fatalf("UpdateDotEnv = %v, %v", changed, err)
	}
	got, _ := os.ReadFile(path)
	want := "# team\nDB=postgres\nCOMPOSE_FILE=compose.yaml:compose.rtdev.yaml\nCOMPOSE_PATH_SEPARATOR=:\n"
	if string(got) != want {
		t.Fatalf(".env\n%s\nwant\n%s", got, want)
	}
	if changed, err := UpdateDotEnv(path, lines); err != nil || changed {
		t.Fatalf("second UpdateDotEnv = %v, %v; want no change", changed, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o640 {
		t.Fatalf(".env mode %v, want kept 0640", fi.Mode().Perm())
	}
}

func TestImageKind(t *testing.T) {
	for image, want := range map[string]Kind{
		"centrifugo/centrifugo:v6": KindCentrifugo, "docker.io/peerjs/peerjs-server": KindPeerJSServer,
		"nginx": KindNginx, "nginxinc/nginx-unprivileged:1.27@sha256:ab": KindNginx, "caddy:2-alpine": KindCaddy,
		"registry:5000/team/caddy": KindCaddy, "node:22": KindOther, "mynginx": KindOther,
	} {
		if got, _ := imageKind(image); got != want {
			t.Errorf("imageKind(%q) = %q, want %q", image, got, want)
		}
	}
	for tag, v5 := range map[string]bool{"v5": true, "v5.4.9": true, "5": true, "v6": false, "latest": false, "": false, "v60": false} {
		if centrifugoV5(tag) != v5 {
			t.Errorf("centrifugoV5(%q) = %v", tag, !v5)
		}
	}
}

func TestAlias(t *testing.T) {
	for name, want := range map[string]string{"API": "api.rtdev.internal", "my-svc": "my-svc.rtdev.internal", "a_b": "", "a.b": "", "-x": ""} {
		if got := Alias(name); got != want {
			t.Errorf("Alias(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestLoadPrintsNothing: compose-go warns through logrus on stderr (an
// obsolete version key, an unset variable); Load keeps that off the CLI's
// stderr and restores the logger after.
func TestLoadPrintsNothing(t *testing.T) {
	var buf bytes.Buffer
	std := logrus.StandardLogger()
	old := std.Out
	std.SetOutput(&buf)
	defer std.SetOutput(old)
	root := writeProject(t, map[string]string{"compose.yaml": "version: \"3\"\nservices:\n  a:\n    image: x\n    command: echo ${RTDEV_TEST_UNSET_VARIABLE}\n"})
	generate(t, root)
	if buf.Len() > 0 {
		t.Fatalf("Load printed:\n%s", buf.String())
	}
	logrus.Warn("after")
	if !strings.Contains(buf.String(), "after") {
		t.Fatal("the logger was not restored")
	}
}
