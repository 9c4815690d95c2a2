package cluster

import (
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/rtdev/rtdev/e2e/internal/harness"
	"github.com/rtdev/rtdev/internal/redisproc"
	"github.com/rtdev/rtdev/internal/testtool"
)

// wait bounds every wait; it is a failure deadline, never a measurement.
const wait = 20 * time.Second

type peer struct {
	t *testing.T
	c *websocket.Conn
}

func dial(t *testing.T, sb *harness.Sandbox, port int, id, token string) *peer {
	t.Helper()
	d := websocket.Dialer{TLSClientConfig: &tls.Config{RootCAs: sb.CAPool()}, HandshakeTimeout: wait}
	q := url.Values{"id": {id}, "token": {token}, "key": {"peerjs"}}
	c, _, err := d.Dial(fmt.Sprintf("wss://localhost:%d/peerjs?%s", port, q.Encode()), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return &peer{t, c}
}

func (p *peer) next() string {
	p.t.Helper()
	_ = p.c.SetReadDeadline(time.Now().Add(wait))
	_, data, err := p.c.ReadMessage()
	if err != nil {
		p.t.Fatalf("read: %v", err)
	}
	return string(data)
}

func (p *peer) expect(want string) {
	p.t.Helper()
	if got := p.next(); got != want {
		p.t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func (p *peer) send(msg string) {
	p.t.Helper()
	if err := p.c.WriteMessage(websocket.TextMessage, []byte(msg)); err != nil {
		p.t.Fatal(err)
	}
}

func health(t *testing.T, sb *harness.Sandbox, port int) string {
	t.Helper()
	client := &http.Client{Timeout: wait, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: sb.CAPool()}}}
	res, err := client.Get(fmt.Sprintf("https://localhost:%d/rtdev/health", port))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return string(body)
}

// An instance killed with SIGKILL releases nothing: its ids come free when
// their claims expire, and messages for its peers expire to their senders.
func TestKilledInstance(t *testing.T) {
	rp := testtool.Redis(t)
	sb := harness.NewSandbox(t)
	sb.Init("--no-trust")
	args := []string{"--cluster", rp.URL(), "--cluster-claim-ttl", "3s", "--expire-timeout", "1000"}
	portA, portB := harness.FreePort(t), harness.FreePort(t)
	a := sb.Serve(portA, args...)
	b := sb.Serve(portB, args...)

	k := dial(t, sb, portA, "kept", "token-1")
	k.expect(`{"type":"OPEN"}`)
	s := dial(t, sb, portB, "sender", "ts")
	s.expect(`{"type":"OPEN"}`)
	s.send(`{"type":"OFFER","dst":"kept","payload":{"n":1}}`)
	k.expect(`{"type":"OFFER","src":"sender","dst":"kept","payload":{"n":1}}`)
	if h := health(t, sb, portB); !strings.Contains(h, `"reachable":true`) || !strings.Contains(h, `"peers_here":1`) {
		t.Errorf("health of B: %s", h)
	}

	if err := a.Cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_, _ = a.Cmd.Process.Wait()

	// The claim outlives the process for up to its expiry...
	taken := dial(t, sb, portB, "kept", "token-2")
	taken.expect(`{"type":"ID-TAKEN","payload":{"msg":"ID is taken"}}`)
	// ...and nobody listens for the dead instance, so a message for its
	// peer waits and expires back to the sender.
	s.send(`{"type":"OFFER","dst":"kept","payload":{"n":2}}`)
	s.expect(`{"type":"EXPIRE","src":"kept","dst":"sender"}`)

	deadline := time.Now().Add(wait)
	for {
		p := dial(t, sb, portB, "kept", "token-2")
		if got := p.next(); got == `{"type":"OPEN"}` {
			break
		} else if got != `{"type":"ID-TAKEN","payload":{"msg":"ID is taken"}}` || time.Now().After(deadline) {
			t.Fatalf("claiming the id of the killed instance's peer: %s", got)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if out := b.Output.String(); !strings.Contains(out, "cluster broker connected") {
		t.Errorf("no broker connect line in B's log:\n%s", out)
	}
}

// rediss:// reaches Redis over TLS, verified against the system roots (here
// the sandbox CA through SSL_CERT_FILE, which Go reads on Linux).
func TestRedissCluster(t *testing.T) {
	bin := testtool.Need(t, "redis-server")
	sb := harness.NewSandbox(t)
	sb.Init("--no-trust")
	tlsDir := filepath.Join(sb.Project, ".rtdev")
	rp, err := redisproc.New(bin, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	// The TLS port replaces the plain one (the last --port wins).
	rp.Args = []string{"--port", "0", "--tls-port", strconv.Itoa(rp.Port),
		"--tls-cert-file", filepath.Join(tlsDir, "cert.pem"), "--tls-key-file", filepath.Join(tlsDir, "key.pem"),
		"--tls-ca-cert-file", filepath.Join(tlsDir, "ca.pem"), "--tls-auth-clients", "no"}
	if err := rp.Restart(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(rp.Stop)
	sb.Setenv("SSL_CERT_FILE", filepath.Join(tlsDir, "ca.pem"))
	brokerURL := fmt.Sprintf("rediss://localhost:%d/0", rp.Port)
	ports := []int{harness.FreePort(t), harness.FreePort(t)}
	for _, port := range ports {
		sb.Serve(port, "--cluster", brokerURL)
	}
	a := dial(t, sb, ports[0], "a", "ta")
	a.expect(`{"type":"OPEN"}`)
	b := dial(t, sb, ports[1], "b", "tb")
	b.expect(`{"type":"OPEN"}`)
	a.send(`{"type":"OFFER","dst":"b","payload":{"sdp":"v=0"}}`)
	b.expect(`{"type":"OFFER","src":"a","dst":"b","payload":{"sdp":"v=0"}}`)
	if h := health(t, sb, ports[0]); !strings.Contains(h, `"broker":"`+brokerURL+`"`) {
		t.Errorf("health: %s", h)
	}
}
