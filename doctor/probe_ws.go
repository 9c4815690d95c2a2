package doctor

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/gorilla/websocket"
)

// maxBodyExcerpt bounds how much of an error response goes into Details.
const maxBodyExcerpt = 300

// checkWebSocket upgrades the target URL to a WebSocket and closes it.
func (p *prober) checkWebSocket(ctx context.Context) []Finding {
	conn, f := p.dialWS(ctx, p.t.String())
	if f != nil {
		return []Finding{*f}
	}
	p.closeWS(conn)
	return []Finding{p.finding(IDWSOK, SeverityOK, "the WebSocket upgrade at "+pathOnly(p.t.Path)+" succeeds", "", nil)}
}

// dialWS performs the upgrade as a browser would (HTTP/1.1, the Origin
// header when one is given), or returns the finding that says why it
// failed.
func (p *prober) dialWS(ctx context.Context, url string) (*websocket.Conn, *Finding) {
	d := websocket.Dialer{
		NetDialContext:   (&net.Dialer{Timeout: p.o.Timeout}).DialContext,
		TLSClientConfig:  p.clientTLS("http/1.1"),
		HandshakeTimeout: p.o.Timeout,
	}
	header := http.Header{"User-Agent": {"rtdev-doctor"}}
	if p.o.Origin != "" {
		header.Set("Origin", p.o.Origin)
	}
	conn, resp, err := d.DialContext(ctx, url, header)
	if err == nil {
		return conn, nil
	}
	path := pathOnly(urlPath(url))
	if !errors.Is(err, websocket.ErrBadHandshake) || resp == nil {
		f := p.finding(IDWSUpgradeFailed, SeverityError, "the WebSocket upgrade at "+path+" failed: "+err.Error(), "",
			map[string]any{"url": url, "error": err.Error()})
		return nil, &f
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxBodyExcerpt))
	details := map[string]any{"url": url, "status": resp.StatusCode, "body": strings.TrimSpace(string(body))}
	var f Finding
	switch {
	case resp.StatusCode == http.StatusForbidden && p.o.Origin != "":
		f = p.finding(IDWSOriginRejected, SeverityError,
			"the server refused the WebSocket upgrade from origin "+p.o.Origin+" (403): its origin check does not allow this page",
			"allow "+p.o.Origin+" in the server's WebSocket origin check", details)
	default:
		f = p.finding(IDWSUpgradeRejected, SeverityError,
			fmt.Sprintf("the server answered the WebSocket upgrade at %s with %s instead of 101: %s", path, resp.Status, upgradeReason(resp.StatusCode)),
			wsPathFix(p.o.PeerJS), details)
	}
	return nil, &f
}

// upgradeReason explains the usual statuses of a failed upgrade.
func upgradeReason(status int) string {
	switch status {
	case http.StatusNotFound, http.StatusBadRequest:
		// ws (peerjs-server) answers 400 for a path it does not serve
		// (websockets/ws lib/websocket-server.js, shouldHandle); most HTTP
		// routers answer 404.
		return "the path is not the server's WebSocket endpoint"
	case http.StatusOK:
		return "the path is a plain HTTP route, not a WebSocket endpoint"
	case http.StatusUnauthorized, http.StatusForbidden:
		return "the server wants credentials or rejects this origin"
	case http.StatusMovedPermanently, http.StatusFound, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return "WebSocket clients do not follow redirects"
	}
	return "the server does not accept a WebSocket here"
}

// wsPathFix is where the WebSocket lives on rtdev serve and peerjs-server.
func wsPathFix(peerjs bool) string {
	if peerjs {
		return "set the client's path option to the server's --path: rtdev snippet peerjs"
	}
	return "PeerJS servers (rtdev serve, peerjs-server) take WebSockets at {path}peerjs, e.g. /peerjs"
}

// closeWS ends a probe connection with a close frame, as a client should.
func (p *prober) closeWS(conn *websocket.Conn) {
	_ = conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(p.o.Timeout))
	conn.Close()
}

// pathOnly drops the query from a path.
func pathOnly(path string) string {
	p, _, _ := strings.Cut(path, "?")
	return p
}
