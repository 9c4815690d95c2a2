//go:build linux

package containers

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/rtdev/rtdev/compose"
	"github.com/rtdev/rtdev/e2e/internal/container"
	"github.com/rtdev/rtdev/e2e/internal/harness"
	"github.com/rtdev/rtdev/e2e/internal/netns"
	"github.com/rtdev/rtdev/internal/run"
	"github.com/rtdev/rtdev/internal/testtool"
)

// developerGID is the group rtdev snippet compose runs as: a group of its
// own, so the key copy is readable through group_add and nothing else.
const developerGID = 4242

const servePort = 9443

func TestComposeServicesTrustServe(t *testing.T) {
	container.Rootfs(t) // before anything is set up, so a missing rootfs skips at once
	testtool.Need(t, "setpriv")
	h := container.NewHost(t)
	sb := harness.NewSandbox(t)
	sb.Setenv("RTDEV_TRUST_STORES", "none")
	if err := os.CopyFS(sb.Project, os.DirFS(filepath.Join("testdata", "project"))); err != nil {
		t.Fatal(err)
	}
	rtdev := harness.Binary(t)
	// init and snippet in the host's namespace: it is the developer's
	// machine. The snippet runs with the developer's own group.
	runIn(t, sb, h.In(rtdev, "init", "--no-trust", "--yes")...)
	snippetOut := runIn(t, sb, h.In("setpriv", "--regid="+strconv.Itoa(developerGID), "--clear-groups", rtdev, "snippet", "compose", "--write")...)
	// serve --containers finds the compose network's bridge in the host's
	// namespace and listens there beside loopback.
	serve := h.In(rtdev, "serve", "--containers", "--port", strconv.Itoa(servePort))
	sb.Start("", serve[0], serve[1:]...)
	waitServe(t, h, sb)

	t.Setenv("SERVE_PORT", strconv.Itoa(servePort))
	p := container.Load(t, sb.Project)
	svc := func(name string) types.ServiceConfig {
		s, ok := p.Services[name]
		if !ok {
			t.Fatalf("no service %s in %v", name, p.ServiceNames())
		}
		return s
	}

	t.Run("node ws", func(t *testing.T) {
		expectOut(t, h.Run(t, "node", svc("node"), container.RunOptions{}), "OPEN")
	})
	t.Run("python websockets as uid 1000", func(t *testing.T) {
		expectOut(t, h.Run(t, "python", svc("python"), container.RunOptions{}), "OPEN")
	})
	t.Run("curl and openssl", func(t *testing.T) {
		r := h.Run(t, "curl", svc("curl"), container.RunOptions{})
		expectOut(t, r, "health 200", "Verify return code: 0 (ok)")
		roots := 0
		for _, l := range strings.Split(r.Stdout, "\n") {
			if n, ok := strings.CutPrefix(l, "roots "); ok {
				roots, _ = strconv.Atoi(n)
			}
		}
		if roots < 100 {
			t.Errorf("the mounted bundle holds %d certificates; it must keep the public roots", roots)
		}
	})
	t.Run("the adapter adds the CA to the image's store", func(t *testing.T) {
		// curl states its command and runs as root: the override makes
		// the adapter its entrypoint. Its run adds the CA to Debian's
		// store, so curl trusts serve with none of the override's
		// variables, through /etc/ssl/certs alone.
		r := h.Run(t, "curl", svc("curl"), container.RunOptions{Command: []string{"sh", "-c",
			`unset SSL_CERT_FILE CURL_CA_BUNDLE REQUESTS_CA_BUNDLE
curl -sS --max-time 10 -o /dev/null -w 'system store %{http_code}\n' https://host.docker.internal:` + strconv.Itoa(servePort) + `/rtdev/health`}})
		expectOut(t, r, "system store 200")
		if !strings.Contains(r.Stderr, "rtdev: added the rtdev CA to /usr/local/share/ca-certificates/rtdev-ca.crt") {
			t.Errorf("the adapter did not say what it added:\n%s", r.Stderr)
		}
	})
	t.Run("the devcontainer Feature bakes the CA in", func(t *testing.T) {
		// install.sh as an image build runs it (root, from its folder),
		// then curl in the same container trusts serve through the store.
		runIn(t, sb, h.In(rtdev, "snippet", "devcontainer", "--write")...)
		base := svc("curl")
		base.Environment, base.Volumes, base.Entrypoint = nil, nil, nil
		r := h.Run(t, "curl", base, container.RunOptions{
			Mounts: []container.Mount{{Source: filepath.Join(sb.Project, ".devcontainer", "rtdev-ca"), Target: "/feature"}},
			Command: []string{"sh", "-c", `cd /feature && sh ./install.sh >&2 &&
curl -sS --max-time 10 -o /dev/null -w 'baked %{http_code}\n' https://host.docker.internal:` + strconv.Itoa(servePort) + `/rtdev/health &&
cmp /usr/local/share/rtdev/ca.pem /feature/rtdev-ca.crt && echo node copy`}})
		expectOut(t, r, "baked 200", "node copy")
	})
	t.Run("rtdev inside the container", func(t *testing.T) {
		// The project mounted at /app as compose's volumes do, and rtdev
		// itself: init uses the host's set and makes no CA; doctor finds
		// this container trusting the CA (the override's variables) and
		// serve answering at host.docker.internal.
		r := h.Run(t, "node", svc("node"), container.RunOptions{
			Mounts:  []container.Mount{{Source: sb.Project, Target: "/app"}, {Source: rtdev, Target: "/usr/local/bin/rtdev"}},
			Command: []string{"sh", "-c", `cd /app && HOME=/tmp rtdev init && HOME=/tmp rtdev doctor --json; echo "doctor exit $?"; ls /tmp/.local/share/rtdev 2>&1`}})
		if !strings.Contains(r.Stderr, "inside a Docker container: using the certificate set the host made in .rtdev; no CA is made here") {
			t.Errorf("init inside the container:\n%s%s", r.Stdout, r.Stderr)
		}
		for _, want := range []string{`"id": "container-serve",`, `"id": "container-set",`, "doctor exit 0", "No such file or directory"} {
			if !strings.Contains(r.Stdout, want) {
				t.Errorf("doctor inside the container: no %q in\n%s%s", want, r.Stdout, r.Stderr)
			}
		}
	})
	t.Run("curl without the override fails", func(t *testing.T) {
		// The same container with only the base compose file's settings:
		// the rootfs's own store does not know the rtdev CA, so the trust
		// above came from the override.
		base := svc("curl")
		base.Environment, base.Volumes, base.ExtraHosts, base.Entrypoint = nil, nil, nil, nil
		r := h.Run(t, "curl", base, container.RunOptions{Command: []string{"curl", "-sS", "--max-time", "10",
			"--resolve", "host.docker.internal:" + strconv.Itoa(servePort) + ":" + h.BridgeIP,
			"https://host.docker.internal:" + strconv.Itoa(servePort) + "/rtdev/health"}})
		if code, _ := run.ExitCode(r.Err); code != 60 {
			t.Fatalf("curl without the override: exit %d (want 60, certificate not trusted)\n%s%s", code, r.Stdout, r.Stderr)
		}
	})
	t.Run("non-root service reads only its key copy", func(t *testing.T) {
		// The host's key.pem and the CA key are mounted for this check
		// only, to show their modes keep uid 1000 out even with the
		// added group; the override itself never mounts them.
		caKey := filepath.Join(sb.CARoot, "ca-key.pem")
		r := h.Run(t, "signal", svc("signal"), container.RunOptions{
			Mounts: []container.Mount{{Source: filepath.Join(sb.Project, ".rtdev", "key.pem"), Target: "/probe/key.pem"}, {Source: caKey, Target: "/probe/ca-key.pem"}},
			Command: []string{"sh", "-c", `id -u; id -G
for f in ` + compose.KeyPath + ` /probe/key.pem /probe/ca-key.pem; do
	if head -c 1 "$f" >/dev/null 2>&1; then echo "read $f"; else echo "denied $f"; fi
done`},
		})
		expectOut(t, r, "1000", "read "+compose.KeyPath, "denied /probe/key.pem", "denied /probe/ca-key.pem")
		if !strings.Contains(r.Stdout, strconv.Itoa(developerGID)) {
			t.Errorf("group_add did not give the service group %d:\n%s", developerGID, r.Stdout)
		}
	})
	t.Run("service to service over the alias", func(t *testing.T) {
		// signal runs peerjs-server (npm peer, as its image does: the
		// entrypoint node peerjs.js, PORT 9000) with the override's
		// command, as uid 1000; curl reaches it as signal.rtdev.internal,
		// which the leaf's *.rtdev.internal covers.
		modules := filepath.Dir(harness.RequireNPM(t, "peer"))
		addr := h.Start(t, "signal", svc("signal"), container.RunOptions{
			Entrypoint: []string{"node", "/npm/node_modules/peer/dist/bin/peerjs.js"},
			ImageEnv:   map[string]string{"PORT": "9000"},
			Mounts:     []container.Mount{{Source: modules, Target: "/npm/node_modules"}},
		})
		waitTCP(t, h, addr+":9000")
		r := h.Run(t, "curl", svc("curl"), container.RunOptions{Command: []string{"sh", "-c",
			`curl -sS --max-time 10 https://signal.rtdev.internal:9000/ && echo
echo | openssl s_client -connect signal.rtdev.internal:9000 -verify_hostname signal.rtdev.internal -verify_return_error 2>&1 | grep 'Verify return code'`}})
		expectOut(t, r, "PeerJS", "Verify return code: 0 (ok)")
	})
	t.Run("nginx and Caddy with the lines printed for them", func(t *testing.T) {
		// rtdev cannot edit an nginx or Caddy config, so it prints what to
		// add; here that is added as printed. This machine's nginx and
		// Caddy (Debian 12's, as the rootfs is) run in the containers of
		// web and edge as their images' entrypoints do, as root, with the
		// override's mounts; curl reaches them by their aliases.
		conf := t.TempDir()
		nginxConf := `daemon off;
error_log stderr;
pid /tmp/nginx.pid;
events {}
http {
	access_log off;
	client_body_temp_path /tmp/body; proxy_temp_path /tmp/proxy; fastcgi_temp_path /tmp/fastcgi;
	uwsgi_temp_path /tmp/uwsgi; scgi_temp_path /tmp/scgi;
	server {
		server_name web.rtdev.internal;
		` + printedLine(t, snippetOut, "add to its server block:") + `
		location / { return 200 "nginx ok\n"; }
	}
}
`
		caddyfile := `{
	admin off
	auto_https disable_redirects
}
edge.rtdev.internal:8443 {
	` + printedLine(t, snippetOut, "add to its site block in the Caddyfile:") + `
	respond "caddy ok"
}
`
		for name, text := range map[string]string{"nginx.conf": nginxConf, "Caddyfile": caddyfile} {
			if err := os.WriteFile(filepath.Join(conf, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		web := h.Start(t, "web", svc("web"), container.RunOptions{
			Entrypoint: []string{"nginx", "-e", "stderr", "-p", "/tmp/", "-c", "/conf/nginx.conf"},
			Mounts:     []container.Mount{{Source: testtool.Need(t, "nginx"), Target: "/usr/sbin/nginx"}, {Source: conf, Target: "/conf"}},
		})
		edge := h.Start(t, "edge", svc("edge"), container.RunOptions{
			Entrypoint: []string{"caddy", "run", "--config", "/conf/Caddyfile", "--adapter", "caddyfile"},
			ImageEnv:   map[string]string{"XDG_CONFIG_HOME": "/config", "XDG_DATA_HOME": "/data"},
			Mounts:     []container.Mount{{Source: testtool.Need(t, "caddy"), Target: "/usr/bin/caddy"}, {Source: conf, Target: "/conf"}},
		})
		waitTCP(t, h, web+":443")
		waitTCP(t, h, edge+":8443")
		r := h.Run(t, "curl", svc("curl"), container.RunOptions{Command: []string{"sh", "-c",
			`curl -sS --max-time 10 https://web.rtdev.internal/ && curl -sS --max-time 10 https://edge.rtdev.internal:8443/ && echo`}})
		expectOut(t, r, "nginx ok", "caddy ok")
	})
}

// waitTCP waits until addr accepts connections from the host's namespace.
func waitTCP(t *testing.T, h *container.Host, addr string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		c, err := netns.Dial(ctx, h.NS, "tcp", addr)
		cancel()
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing listens on %s: %v", addr, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// runIn runs argv in the project folder with the sandbox's environment,
// and returns what it printed.
func runIn(t *testing.T, sb *harness.Sandbox, argv ...string) string {
	t.Helper()
	out, errOut, err := sb.Run(argv[0], argv[1:]...)
	if err != nil {
		t.Fatalf("%s: %v\n%s%s", strings.Join(argv, " "), err, out, errOut)
	}
	return out + errOut
}

// printedLine is what rtdev printed after marker on one of its lines.
func printedLine(t *testing.T, out, marker string) string {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if _, after, ok := strings.Cut(l, marker); ok {
			return strings.TrimSpace(after)
		}
	}
	t.Fatalf("rtdev printed no %q:\n%s", marker, out)
	return ""
}

// waitServe polls serve's health page from the host's namespace at the
// bridge address, trusting only the project's CA and checking the name
// containers use.
func waitServe(t *testing.T, h *container.Host, sb *harness.Sandbox) {
	t.Helper()
	client := netns.HTTPClient(h.NS, sb.CAPool(), "host.docker.internal", 2*time.Second)
	url := "https://" + h.BridgeIP + ":" + strconv.Itoa(servePort) + "/rtdev/health"
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := client.Get(url)
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("rtdev serve did not answer %s: %v", url, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func expectOut(t *testing.T, r container.Result, want ...string) {
	t.Helper()
	if r.Err != nil {
		t.Fatalf("command failed: %v\nstdout:\n%s\nstderr:\n%s", r.Err, r.Stdout, r.Stderr)
	}
	for _, w := range want {
		if !strings.Contains(r.Stdout, w) {
			t.Errorf("output lacks %q\nstdout:\n%s\nstderr:\n%s", w, r.Stdout, r.Stderr)
		}
	}
}
