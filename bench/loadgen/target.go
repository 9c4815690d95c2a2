package loadgen

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gorilla/websocket"

	"github.com/rtdev/rtdev/bench/harness"
)

// Target is the server under test.
type Target struct {
	Addr       string      // host:port dialled, e.g. 127.0.0.1:9000
	ServerName string      // TLS name and URL host, e.g. localhost
	Path       string      // the server's path option, "/" by default
	Key        string      // the key option, "peerjs" by default
	TLS        *tls.Config // trusts the server's CA
	Meter      Meter       // the server's resource use; may be nil

	// Addrs, when set, are the instances of a cluster: peer i dials
	// Addrs[i % len(Addrs)] (Addr still serves the HTTP routes), so with two
	// the two peers of every relay pair are on different instances.
	Addrs []string
}

// forPeer is the target peer i dials.
func (t Target) forPeer(i int) Target {
	if len(t.Addrs) > 0 {
		t.Addr = t.Addrs[i%len(t.Addrs)]
	}
	return t
}

// Meter reads the server process's CPU time and memory.
type Meter interface {
	Usage() (harness.Usage, error)
}

// clientVersion is the version query parameter peerjs sends; servers ignore
// it, but it keeps the URL the same as a real client's.
const clientVersion = "1.5.5"

// handshakeTimeout bounds TCP connect, TLS handshake and upgrade, and the
// wait for OPEN: under a 10k-peer ramp on two cores a second is not enough.
const handshakeTimeout = 60 * time.Second

func (t Target) path() string {
	p := t.Path
	if p == "" {
		p = "/"
	}
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

func (t Target) key() string {
	if t.Key == "" {
		return "peerjs"
	}
	return t.Key
}

func (t Target) dialContext(ctx context.Context, _, _ string) (net.Conn, error) {
	d := net.Dialer{Timeout: handshakeTimeout}
	return d.DialContext(ctx, "tcp", t.Addr)
}

// tlsConfig is a copy of t.TLS for t.ServerName.
func (t Target) tlsConfig() *tls.Config {
	c := t.TLS.Clone()
	c.ServerName = t.ServerName
	return c
}

// dialer opens WebSockets like a browser: no compression, no subprotocol,
// a full TLS handshake each time (no session resumption between peers).
func (t Target) dialer() *websocket.Dialer {
	conf := t.tlsConfig()
	conf.ClientSessionCache = nil
	return &websocket.Dialer{
		NetDialContext:   t.dialContext,
		TLSClientConfig:  conf,
		HandshakeTimeout: handshakeTimeout,
	}
}

func (t Target) wsURL(id, token string) string {
	q := url.Values{"key": {t.key()}, "id": {id}, "token": {token}, "version": {clientVersion}}
	return "wss://" + t.ServerName + t.path() + "peerjs?" + q.Encode()
}

// HTTPClient keeps one TLS connection for the /id requests, as a browser
// keeps its connection to the page's origin.
func (t Target) HTTPClient() *http.Client {
	return &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{TLSClientConfig: t.tlsConfig(), DialContext: t.dialContext, MaxIdleConnsPerHost: 4},
	}
}

// FetchID asks the server for an id, as the client does when it is given
// none: GET {path}{key}/id?ts=...
func (t Target) FetchID(ctx context.Context, c *http.Client) (string, error) {
	u := fmt.Sprintf("https://%s%s%s/id?ts=%d", t.ServerName, t.path(), t.key(), time.Now().UnixMilli())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return "", fmt.Errorf("fetch id: %w", err)
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", fmt.Errorf("fetch id: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if err != nil {
		return "", fmt.Errorf("fetch id: %w", err)
	}
	if resp.StatusCode != http.StatusOK || len(b) == 0 {
		return "", fmt.Errorf("fetch id: %s %q", resp.Status, b)
	}
	return string(b), nil
}

// newToken is like the client's Math.random().toString(36).slice(2).
func newToken() string { return strings.ToLower(rand.Text()[:11]) }
