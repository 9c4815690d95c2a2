package snippets

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rtdev/rtdev/internal/testtool"

	"github.com/chromedp/chromedp"
	"github.com/gorilla/websocket"

	"github.com/rtdev/rtdev/e2e/internal/harness"
)

// step bounds one wait or one client run; it is a timeout, never an
// expectation of how long anything takes.
const step = 30 * time.Second

// python is the interpreter python3-websockets installs into.
const python = testtool.SystemPython

// TestViteTrustedInChromium starts Vite with the rendered vite.config.js and
// loads its page in Chromium, which trusts the CA only through the sandbox
// HOME's NSS database: the page, its module and Vite's HMR socket (which the
// snippet says follows onto wss:// by itself) all work.
func TestViteTrustedInChromium(t *testing.T) {
	sb := harness.NewSandbox(t)
	sb.Init()
	url := startVite(t, sb)

	tab := sb.Chromium(t)
	harness.WatchTab(t, tab, "vite")
	// Subscribe before navigating, so the client's first message is not lost.
	hmr := consoleSeen(tab, "[vite] connected.")
	if err := harness.Navigate(tab, step, url); err != nil {
		t.Fatalf("navigate to %s: %v", url, err)
	}
	harness.WaitJS(t, tab, step, `document.getElementById('module').textContent !== ''`)
	text := harness.Evaluate[string](t, tab, step, `document.body.innerText`)
	for _, want := range []string{"page served by vite", "module served by vite"} {
		if !strings.Contains(text, want) {
			t.Errorf("page text %q lacks %q", text, want)
		}
	}
	select {
	case <-hmr:
	case <-time.After(step):
		t.Fatalf("Vite's HMR client never logged %q: its wss:// socket did not connect", "[vite] connected.")
	}
}

// TestViteUntrustedRefused is the control: the same setup after `rtdev init
// --no-trust` gets the certificate refused, so the browser bypasses nothing.
func TestViteUntrustedRefused(t *testing.T) {
	sb := harness.NewSandbox(t)
	sb.Init("--no-trust")
	url := startVite(t, sb)

	tab := sb.Chromium(t)
	harness.WatchTab(t, tab, "vite-untrusted")
	err := harness.Navigate(tab, step, url)
	var loadErr *chromedp.LoadError
	if !errors.As(err, &loadErr) || loadErr.ErrorText != "net::ERR_CERT_AUTHORITY_INVALID" {
		t.Fatalf("navigation with an untrusted CA: got %v, want the load error net::ERR_CERT_AUTHORITY_INVALID", err)
	}
}

// TestNodeWSTrustsServeThroughEnv runs a Node ws client against `rtdev serve`
// with one variable from `rtdev env --json`: NODE_EXTRA_CA_CERTS.
func TestNodeWSTrustsServeThroughEnv(t *testing.T) {
	harness.RequireTool(t, "node")
	sb := harness.NewSandbox(t)
	sb.Init()
	linkPackages(t, sb, "ws")
	script := filepath.Join(sb.Project, "ws-client.mjs")
	copyFile(t, filepath.Join("testdata", "ws-client.mjs"), script)
	port := harness.FreePort(t)
	sb.Serve(port)
	extra := envVar(t, sb, "NODE_EXTRA_CA_CERTS")

	t.Run("with NODE_EXTRA_CA_CERTS", func(t *testing.T) {
		env := append(slices.Clone(sb.Env), "NODE_EXTRA_CA_CERTS="+extra)
		out, errOut, err := runEnv(t, sb, env, "node", script, peerURL(port, "a"))
		if err != nil {
			t.Fatalf("node ws client: %v\nstdout:\n%s\nstderr:\n%s", err, out, errOut)
		}
		requireOpen(t, out)
	})
	t.Run("control without it", func(t *testing.T) {
		// sb.Env never carries NODE_EXTRA_CA_CERTS (the harness drops it), so
		// Node has only its bundled roots.
		out, errOut, err := sb.Run("node", script, peerURL(port, "b"))
		if err == nil {
			t.Fatalf("node ws client connected without the rtdev CA; stdout: %s", out)
		}
		if !hasAny(errOut, "UNABLE_TO_VERIFY_LEAF_SIGNATURE", "SELF_SIGNED_CERT_IN_CHAIN", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY") {
			t.Fatalf("node ws client failed without a certificate error: %v\nstderr:\n%s", err, errOut)
		}
	})
}

// TestPythonWebsocketsClient runs the rendered client.py, unchanged, with
// Debian's python3-websockets; only its URL constant is pointed at rtdev
// serve, from a wrapper that imports it (the snippet takes no arguments).
func TestPythonWebsocketsClient(t *testing.T) {
	harness.RequireTool(t, python)
	sb := harness.NewSandbox(t)
	requirePythonModule(t, sb, "websockets")
	sb.Init()
	writeFile(t, filepath.Join(sb.Project, "client.py"), sb.Rtdev("snippet", "python-websockets-client"))
	port := harness.FreePort(t)
	sb.Serve(port)
	// argv[2] "system" swaps the snippet's CA_FILE for Python's default roots:
	// the control that shows the snippet's own trust setting is what works.
	const wrapper = `import asyncio, sys
import client
client.URL = sys.argv[1]
if sys.argv[2] == "system":
    client.CA_FILE = None
asyncio.run(asyncio.wait_for(client.main(), 30))
`

	t.Run("snippet CA_FILE", func(t *testing.T) {
		out, errOut, err := sb.Run(python, "-c", wrapper, peerURL(port, "a"), "snippet")
		if err != nil {
			t.Fatalf("python client: %v\nstdout:\n%s\nstderr:\n%s", err, out, errOut)
		}
		requireOpen(t, out)
	})
	t.Run("control with system roots", func(t *testing.T) {
		out, errOut, err := sb.Run(python, "-c", wrapper, peerURL(port, "b"), "system")
		if err == nil || !strings.Contains(errOut, "CERTIFICATE_VERIFY_FAILED") {
			t.Fatalf("python client with system roots: got %v, want CERTIFICATE_VERIFY_FAILED\nstdout:\n%s\nstderr:\n%s", err, out, errOut)
		}
	})
}

// TestPythonWebsocketsServer runs the rendered server.py, unchanged but for
// its port, with Debian's python3-websockets (10.4, the original asyncio
// implementation: the snippet's fallback import), and dials it with a client
// that trusts only the rtdev CA: the server answers over wss:// with its
// echo. The rendered client.py gets the same echo, so the two snippets work
// together. The control: a client with the system roots refuses it.
func TestPythonWebsocketsServer(t *testing.T) {
	sb := harness.NewSandbox(t)
	sb.Init()
	port, p := startPythonServer(t, sb)
	url := fmt.Sprintf("wss://localhost:%d/", port)

	t.Run("client trusting only the rtdev CA", func(t *testing.T) {
		conn := dialUntilUp(t, url, sb.CAPool(), p)
		defer conn.Close()
		const msg = "hello from a client trusting only the rtdev CA"
		if err := conn.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
			t.Fatalf("write: %v", err)
		}
		if _, got, err := conn.ReadMessage(); err != nil || string(got) != msg {
			t.Fatalf("echo = %q, %v; want %q", got, err, msg)
		}
	})
	t.Run("rendered client.py", func(t *testing.T) {
		writeFile(t, filepath.Join(sb.Project, "client.py"), sb.Rtdev("snippet", "python-websockets-client"))
		const wrapper = `import asyncio, sys
import client
client.URL = sys.argv[1]
asyncio.run(asyncio.wait_for(client.main(), 30))
`
		out, errOut, err := sb.Run(python, "-c", wrapper, url)
		if err != nil || strings.TrimSpace(out) != "hello" {
			t.Fatalf("client.py against server.py: %v, stdout %q, want the echo %q\nstderr:\n%s", err, out, "hello", errOut)
		}
	})
	t.Run("control with system roots", func(t *testing.T) {
		dialer := websocket.Dialer{HandshakeTimeout: step}
		conn, _, err := dialer.Dial(url, nil)
		if err == nil {
			conn.Close()
			t.Fatal("a client with the system roots accepted the certificate")
		}
		var unknown x509.UnknownAuthorityError
		if !errors.As(err, &unknown) {
			t.Fatalf("dial with system roots: %v, want an unknown-authority error", err)
		}
	})
}

// startPythonServer runs the rendered server.py with Debian's
// python3-websockets on a free port and returns the port.
func startPythonServer(t *testing.T, sb *harness.Sandbox) (int, *harness.Process) {
	t.Helper()
	harness.RequireTool(t, python)
	requirePythonModule(t, sb, "websockets")
	// The snippet renders the target's default port; rtdev.toml has no
	// setting for it, so the test moves it to a free one.
	port := harness.FreePort(t)
	server := replaceN(t, sb.Rtdev("snippet", "python-websockets"), ", 8765, ssl=ctx)", fmt.Sprintf(", %d, ssl=ctx)", port), 1)
	writeFile(t, filepath.Join(sb.Project, "server.py"), server)
	return port, sb.Start("", python, "server.py")
}

// dialUntilUp dials the WebSocket url, trusting roots, until the server
// started as p listens (a step at most), with deadlines set on the
// connection.
func dialUntilUp(t *testing.T, url string, roots *x509.CertPool, p *harness.Process) *websocket.Conn {
	t.Helper()
	dialer := websocket.Dialer{TLSClientConfig: &tls.Config{RootCAs: roots}, HandshakeTimeout: step}
	deadline := time.Now().Add(step)
	for {
		conn, _, err := dialer.Dial(url, nil)
		if err == nil {
			if err := errors.Join(conn.SetReadDeadline(deadline.Add(step)), conn.SetWriteDeadline(deadline.Add(step))); err != nil {
				t.Fatal(err)
			}
			return conn
		}
		// Only "nothing listens yet" is worth another try.
		if !errors.Is(err, syscall.ECONNREFUSED) || time.Now().After(deadline) {
			t.Fatalf("dial %s: %v\nserver output:\n%s", url, err, p.Output.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestPeerjsServerCommand runs the rendered "peer" script as npm would (sh -c
// in the project folder), with `peerjs` from the pinned npm peer package,
// and fetches an id with curl trusting only .rtdev/ca.pem.
func TestPeerjsServerCommand(t *testing.T) {
	harness.RequireTool(t, "node", "curl")
	harness.RequireNPM(t, "peer")
	sb := harness.NewSandbox(t)
	sb.Init()
	// The snippet renders peerjs-server's own port, never rtdev serve's
	// 9000, so the two run side by side; the test moves it to a free one.
	port := harness.FreePort(t)
	cmdline := packageScript(t, sb.Rtdev("snippet", "peerjs-server"), "peer")
	cmdline = replaceN(t, cmdline, " --port 9500 ", fmt.Sprintf(" --port %d ", port), 1)
	sb.Setenv("PATH", filepath.Join(harness.NPMDir(), "node_modules", ".bin")+string(os.PathListSeparator)+os.Getenv("PATH"))
	p := sb.Start("", "/bin/sh", "-c", cmdline)

	// peer mounts its API at --path + --key: /peerjs/id for the defaults the
	// snippet renders (--path / --key peerjs).
	url := fmt.Sprintf("https://localhost:%d/peerjs/id", port)
	harness.WaitHTTPS(t, url, sb.CAPool(), p)
	out, errOut, err := sb.Run("curl", "--silent", "--show-error", "--fail", "--max-time", "30",
		"--cacert", filepath.Join(".rtdev", "ca.pem"), url)
	if err != nil {
		t.Fatalf("curl --cacert .rtdev/ca.pem %s: %v\n%s", url, err, errOut)
	}
	// peer 1.0.2 hands out crypto.randomUUID() ids.
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`).MatchString(out) {
		t.Fatalf("GET %s = %q, want a peer id (a UUID)", url, out)
	}

	// Control: curl with the system roots only refuses the certificate
	// (exit 60, CURLE_PEER_FAILED_VERIFICATION).
	_, errOut, err = sb.Run("curl", "--silent", "--show-error", "--max-time", "30", url)
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 60 {
		t.Fatalf("curl without --cacert: got %v (%s), want exit status 60", err, errOut)
	}
}

// TestNginxProxiesWSS puts the rendered server block in a throwaway nginx and
// dials wss:// through it to a plain ws:// echo backend, trusting only the
// sandbox CA.
func TestNginxProxiesWSS(t *testing.T) {
	nginx := nginxPath(t)
	sb := harness.NewSandbox(t)
	sb.Init()

	backend := httptest.NewServer(echoBackend(t))
	t.Cleanup(backend.Close)
	backendPort := backend.Listener.Addr().(*net.TCPAddr).Port
	port := harness.FreePort(t)

	// The block renders the target's default ports (8443, and 3000 for the
	// app behind it); neither comes from rtdev.toml, so fit them here.
	block := sb.Rtdev("snippet", "nginx")
	block = replaceN(t, block, "8443 ssl;", fmt.Sprintf("%d ssl;", port), 2)
	block = replaceN(t, block, "proxy_pass http://127.0.0.1:3000;", fmt.Sprintf("proxy_pass http://127.0.0.1:%d;", backendPort), 1)

	sb.StartNginx(nginx, block, fmt.Sprintf("https://localhost:%d/", port))

	dialer := websocket.Dialer{TLSClientConfig: &tls.Config{RootCAs: sb.CAPool()}, HandshakeTimeout: step}
	ctx, cancel := context.WithTimeout(context.Background(), step)
	defer cancel()
	conn, res, err := dialer.DialContext(ctx, fmt.Sprintf("wss://localhost:%d/echo", port), nil)
	if err != nil {
		status := ""
		if res != nil {
			status = res.Status
		}
		t.Fatalf("dial wss through nginx: %v %s", err, status)
	}
	defer conn.Close()
	deadline := time.Now().Add(step)
	if err := errors.Join(conn.SetReadDeadline(deadline), conn.SetWriteDeadline(deadline)); err != nil {
		t.Fatal(err)
	}
	const msg = "hello through nginx"
	if err := conn.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
		t.Fatalf("write: %v", err)
	}
	_, got, err := conn.ReadMessage()
	if err != nil {
		t.Fatalf("read the echo: %v", err)
	}
	// The backend appends the X-Forwarded-Proto it saw: the block's headers
	// reach the app too.
	if want := msg + " via https"; string(got) != want {
		t.Fatalf("echo = %q, want %q", got, want)
	}
}

// startVite makes the sandbox project a Vite app (the pages in testdata/vite plus the
// rendered vite.config.js on a free port), starts the pinned Vite with
// --strictPort and returns the page URL once it answers over TLS.
func startVite(t *testing.T, sb *harness.Sandbox) string {
	t.Helper()
	harness.RequireTool(t, "node")
	linkPackages(t, sb, "vite")
	pages, err := os.ReadDir(filepath.Join("testdata", "vite"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range pages {
		copyFile(t, filepath.Join("testdata", "vite", e.Name()), filepath.Join(sb.Project, e.Name()))
	}
	// The snippet renders Vite's default port; rtdev.toml has no setting for
	// it, so the test moves it to a free one.
	port := harness.FreePort(t)
	config := replaceN(t, sb.Rtdev("snippet", "vite"), "port: 5173,", fmt.Sprintf("port: %d,", port), 1)
	writeFile(t, filepath.Join(sb.Project, "vite.config.js"), config)
	p := sb.Start("", filepath.Join(sb.Project, "node_modules", ".bin", "vite"), "--strictPort")
	url := fmt.Sprintf("https://localhost:%d/", port)
	harness.WaitHTTPS(t, url, sb.CAPool(), p)
	return url
}

// linkPackages makes the pinned npm packages of e2e/testdata/npm
// resolvable from the sandbox project (harness.LinkPackages).
func linkPackages(t *testing.T, sb *harness.Sandbox, pkgs ...string) {
	t.Helper()
	harness.LinkPackages(t, harness.NPMDir(), sb.Project, pkgs...)
}

// consoleSeen returns a channel closed when the tab's console shows a
// message containing text. It subscribes before it returns.
func consoleSeen(tab context.Context, text string) <-chan struct{} {
	seen := make(chan struct{})
	messages := chromedp.Console(tab)
	// The loop ends with the tab's context.
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if strings.Contains(m.Text, text) {
				close(seen)
				return
			}
		}
	}()
	return seen
}

// envVar is one variable's value from `rtdev env --json`.
func envVar(t *testing.T, sb *harness.Sandbox, name string) string {
	t.Helper()
	var vars []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	out := sb.Rtdev("env", "--json")
	if err := json.Unmarshal([]byte(out), &vars); err != nil {
		t.Fatalf("rtdev env --json: %v\n%s", err, out)
	}
	for _, v := range vars {
		if v.Name == name {
			return v.Value
		}
	}
	t.Fatalf("rtdev env --json has no %s:\n%s", name, out)
	return ""
}

// peerURL is the WebSocket address of `rtdev serve` on port for a PeerJS
// client with the default key.
func peerURL(port int, id string) string {
	return fmt.Sprintf("wss://localhost:%d/peerjs?key=peerjs&id=%s&token=t-%s", port, id, id)
}

// requireOpen checks that out is the PeerJS server's first message, OPEN.
func requireOpen(t *testing.T, out string) {
	t.Helper()
	var msg struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &msg); err != nil || msg.Type != "OPEN" {
		t.Fatalf("first message = %q, want {\"type\":\"OPEN\"}", out)
	}
}

// requirePythonModule skips (or fails in CI) when python cannot import mod.
func requirePythonModule(t *testing.T, sb *harness.Sandbox, mod string) {
	t.Helper()
	if _, errOut, err := sb.Run(python, "-c", "import "+mod); err != nil {
		testtool.Missing(t, fmt.Sprintf("%s cannot import %s (scripts/test-deps.sh installs python3-%s): %s", python, mod, mod, errOut))
	}
}

// nginxPath finds nginx; Debian puts it in /usr/sbin, which a non-root PATH
// often lacks.
func nginxPath(t *testing.T) string {
	t.Helper()
	name := "nginx"
	if _, err := exec.LookPath(name); err != nil {
		if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
			name = "/usr/sbin/nginx"
		}
	}
	harness.RequireTool(t, name)
	return name
}

// echoBackend is the plain-HTTP app behind nginx: a WebSocket echo that adds
// the X-Forwarded-Proto it was given, and 200 for plain requests (so the
// test can wait for nginx with an HTTPS GET).
func echoBackend(t *testing.T) http.Handler {
	upgrader := websocket.Upgrader{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !websocket.IsWebSocketUpgrade(r) {
			fmt.Fprintln(w, "backend")
			return
		}
		conn, err := upgrader.Upgrade(w, r, nil)
		if err != nil {
			t.Errorf("backend upgrade: %v", err)
			return
		}
		defer conn.Close()
		deadline := time.Now().Add(step)
		_ = conn.SetReadDeadline(deadline)
		_ = conn.SetWriteDeadline(deadline)
		kind, msg, err := conn.ReadMessage()
		if err != nil {
			return
		}
		_ = conn.WriteMessage(kind, []byte(string(msg)+" via "+r.Header.Get("X-Forwarded-Proto")))
	})
}

// runEnv runs a program in the project folder as sb.Run does, but with
// exactly env instead of the sandbox's environment.
func runEnv(t *testing.T, sb *harness.Sandbox, env []string, name string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*step)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir, cmd.Env = sb.Project, env
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// packageScript is scripts.NAME of a package.json snippet, which must hold
// nothing else.
func packageScript(t *testing.T, snippet, name string) string {
	t.Helper()
	var pkg map[string]map[string]string
	if err := json.Unmarshal([]byte(snippet), &pkg); err != nil || len(pkg) != 1 || len(pkg["scripts"]) != 1 || pkg["scripts"][name] == "" {
		t.Fatalf("want a package.json holding only scripts.%s (%v):\n%s", name, err, snippet)
	}
	return pkg["scripts"][name]
}

// replaceN replaces old in s, failing the test unless it occurs exactly n
// times: a snippet whose shape changed must be noticed, not half-edited.
func replaceN(t *testing.T, s, old, repl string, n int) string {
	t.Helper()
	if got := strings.Count(s, old); got != n {
		t.Fatalf("want %q %d times, found %d in:\n%s", old, n, got, s)
	}
	return strings.ReplaceAll(s, old, repl)
}

func hasAny(s string, subs ...string) bool {
	return slices.ContainsFunc(subs, func(sub string) bool { return strings.Contains(s, sub) })
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	writeFile(t, dst, readFile(t, src))
}
