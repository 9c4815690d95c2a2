package proxy

import (
	"crypto/tls"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/rtdev/rtdev/e2e/internal/harness"
	"github.com/rtdev/rtdev/internal/testtool"
)

// python is the interpreter python3-websockets installs into.
const python = testtool.SystemPython

// setup makes a project with a certificate set (no trust: the clients
// here trust the CA file and nothing else) and returns its CA file.
func setup(t *testing.T) (*harness.Sandbox, string) {
	sb := harness.NewSandbox(t)
	sb.Rtdev("init", "--yes", "--no-trust")
	return sb, filepath.Join(sb.Project, ".rtdev", "ca.pem")
}

// startBackend runs a plain server and waits for it to print "ready".
func startBackend(t *testing.T, sb *harness.Sandbox, name string, args ...string) *harness.Process {
	t.Helper()
	p := sb.Start("", name, args...)
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(p.Output.String(), "ready") {
		if time.Now().After(deadline) || p.Cmd.ProcessState != nil {
			t.Fatalf("%s did not start:\n%s", name, p.Output.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return p
}

// startProxy runs `rtdev proxy --to BACKEND --port PORT` and waits until
// it completes a TLS handshake with only the project CA.
func startProxy(t *testing.T, sb *harness.Sandbox, backendPort int) int {
	t.Helper()
	port := harness.FreePort(t)
	p := sb.Start("", harness.Binary(t), "proxy", "--to", strconv.Itoa(backendPort), "--port", strconv.Itoa(port))
	conf := &tls.Config{RootCAs: sb.CAPool(), ServerName: "localhost"}
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := tls.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port), conf)
		if err == nil {
			c.Close()
			return port
		}
		if time.Now().After(deadline) {
			t.Fatalf("rtdev proxy did not answer: %v\n%s", err, p.Output.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func dial(t *testing.T, sb *harness.Sandbox, url string, h http.Header) *websocket.Conn {
	t.Helper()
	d := websocket.Dialer{TLSClientConfig: &tls.Config{RootCAs: sb.CAPool()}, HandshakeTimeout: 10 * time.Second}
	c, _, err := d.Dial(url, h)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	t.Cleanup(func() { c.Close() })
	_ = c.SetReadDeadline(time.Now().Add(20 * time.Second))
	return c
}

func requirePythonWebsockets(t *testing.T, sb *harness.Sandbox) {
	t.Helper()
	harness.RequireTool(t, python)
	if _, errOut, err := sb.Run(python, "-c", "import websockets"); err != nil {
		testtool.Missing(t, python+" cannot import websockets (scripts/test-deps.sh installs python3-websockets): "+errOut)
	}
}

// Debian's Python websockets on both sides: a plain echo server, and its
// client over wss:// through the proxy with only the rtdev CA.
func TestPythonWebsocketsThroughProxy(t *testing.T) {
	sb, caFile := setup(t)
	requirePythonWebsockets(t, sb)
	backendPort := harness.FreePort(t)
	startBackend(t, sb, python, filepath.Join(testdataDir(), "echo_server.py"), strconv.Itoa(backendPort))
	port := startProxy(t, sb, backendPort)

	out, errOut, err := sb.Run(python, filepath.Join(testdataDir(), "client.py"), "wss://localhost:"+strconv.Itoa(port)+"/", caFile)
	if err != nil || strings.TrimSpace(out) != "ok" {
		t.Fatalf("python client: %v\nstdout:\n%s\nstderr:\n%s", err, out, errOut)
	}
}

// The backend process killed mid-stream: the client gets 1011 and a reason
// naming the backend, not a bare dropped connection.
func TestKilledBackendClosesClientWith1011(t *testing.T) {
	sb, _ := setup(t)
	requirePythonWebsockets(t, sb)
	backendPort := harness.FreePort(t)
	be := startBackend(t, sb, python, filepath.Join(testdataDir(), "echo_server.py"), strconv.Itoa(backendPort))
	port := startProxy(t, sb, backendPort)

	c := dial(t, sb, "wss://localhost:"+strconv.Itoa(port)+"/", nil)
	if err := c.WriteMessage(websocket.TextMessage, []byte("before")); err != nil {
		t.Fatal(err)
	}
	if _, m, err := c.ReadMessage(); err != nil || string(m) != "before" {
		t.Fatalf("echo: %q %v", m, err)
	}
	if err := be.Cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_, _, err := c.ReadMessage()
	ce, ok := err.(*websocket.CloseError)
	if !ok || ce.Code != websocket.CloseInternalServerErr || !strings.Contains(ce.Text, "backend") {
		t.Fatalf("after the backend died the client got %v, want close 1011 naming the backend", err)
	}
}

// A plain Node ws server (the pinned npm ws) behind the proxy: the page's
// Origin arrives unchanged, X-Forwarded-Proto says https, text stays text
// and binary stays binary.
func TestNodeWSThroughProxy(t *testing.T) {
	harness.RequireTool(t, "node")
	harness.RequireNPM(t, "ws")
	sb, _ := setup(t)
	backendPort := harness.FreePort(t)
	sb.Setenv("NODE_PATH", filepath.Join(harness.NPMDir(), "node_modules"))
	startBackend(t, sb, "node", filepath.Join(testdataDir(), "ws_server.cjs"), strconv.Itoa(backendPort))
	port := startProxy(t, sb, backendPort)

	c := dial(t, sb, "wss://localhost:"+strconv.Itoa(port)+"/", http.Header{"Origin": {"https://localhost:5173"}})
	_, hello, err := c.ReadMessage()
	if err != nil {
		t.Fatal(err)
	}
	var seen struct{ Origin, Proto string }
	if err := json.Unmarshal(hello, &seen); err != nil || seen.Origin != "https://localhost:5173" || seen.Proto != "https" {
		t.Fatalf("node saw %s (%v)", hello, err)
	}
	for i := range 3 {
		msg := "message " + strconv.Itoa(i)
		if err := c.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
			t.Fatal(err)
		}
		typ, got, err := c.ReadMessage()
		if err != nil || typ != websocket.TextMessage || string(got) != "node got: "+msg {
			t.Fatalf("text: type %d %q %v", typ, got, err)
		}
	}
	bin := make([]byte, 1<<20)
	for i := range bin {
		bin[i] = byte(i * 7)
	}
	if err := c.WriteMessage(websocket.BinaryMessage, bin); err != nil {
		t.Fatal(err)
	}
	typ, got, err := c.ReadMessage()
	if err != nil || typ != websocket.BinaryMessage || string(got) != string(bin) {
		t.Fatalf("binary: type %d, %d bytes, %v", typ, len(got), err)
	}
}

// testdataDir is this package's testdata, absolute: the programs run in
// the sandbox's project folder.
func testdataDir() string {
	return filepath.Join(harness.RepoRoot(), "e2e", "proxy", "testdata")
}

// TestNodeWSPageInChromium: a page served by the plain Node server through
// rtdev proxy, in Chromium that trusts the CA only through the sandbox's
// NSS database (no certificate flags), opens wss:// to the same origin and
// exchanges messages with the Node ws server behind the proxy.
func TestNodeWSPageInChromium(t *testing.T) {
	harness.RequireTool(t, "node")
	harness.RequireNPM(t, "ws")
	sb, _ := setup(t)
	sb.Rtdev("trust", "install", "--store", "nss")
	backendPort := harness.FreePort(t)
	sb.Setenv("NODE_PATH", filepath.Join(harness.NPMDir(), "node_modules"))
	startBackend(t, sb, "node", filepath.Join(testdataDir(), "ws_server.cjs"), strconv.Itoa(backendPort))
	port := startProxy(t, sb, backendPort)

	tab := sb.Chromium(t)
	harness.WatchTab(t, tab, "node-ws")
	url := "https://localhost:" + strconv.Itoa(port) + "/"
	if err := harness.Navigate(tab, 30*time.Second, url); err != nil {
		t.Fatalf("navigate to %s: %v", url, err)
	}
	harness.WaitJS(t, tab, 30*time.Second, `rt.error !== null || rt.got.length >= 2`)
	got := harness.Evaluate[[]string](t, tab, 10*time.Second, `rt.got`)
	if len(got) < 2 || !strings.Contains(got[0], `"proto":"https"`) || got[1] != "node got: from chromium" {
		t.Fatalf("the page got %q (error %v), want the hello and the reply", got, harness.Evaluate[any](t, tab, 10*time.Second, `rt.error`))
	}
}
