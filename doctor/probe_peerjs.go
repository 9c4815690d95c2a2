package doctor

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
)

// maxIDBytes bounds the id response; a generated id is 36 bytes.
const maxIDBytes = 1 << 10

// peerBase is the PeerJS path option from the target URL, normalised as
// the client does: starting and ending with "/" (peers/peerjs lib/peer.ts).
func (p *prober) peerBase() string {
	base := pathOnly(p.t.Path)
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	return base
}

// peerIDURL is the URL peerjs GETs for an id: {path}{key}/id.
func (p *prober) peerIDURL() string {
	return p.t.httpScheme() + "://" + p.t.Addr() + p.peerBase() + url.PathEscape(p.o.PeerKey) + "/id?ts=0&version=rtdev-doctor"
}

// checkPeerJS does what a peerjs client does on start: fetch an id, open
// the WebSocket with it and wait for OPEN (peers/peerjs lib/peer.ts).
func (p *prober) checkPeerJS(ctx context.Context) []Finding {
	id, f := p.fetchPeerID(ctx)
	if f != nil {
		return []Finding{*f}
	}
	token, err := peerToken()
	if err != nil {
		return []Finding{p.finding(IDPeerJSNoOpen, SeverityError, "cannot make a PeerJS token: "+err.Error(), "", nil)}
	}
	q := url.Values{"key": {p.o.PeerKey}, "id": {id}, "token": {token}, "version": {"rtdev-doctor"}}
	wsURL := p.t.wsScheme() + "://" + p.t.Addr() + p.peerBase() + "peerjs?" + q.Encode()
	conn, f := p.dialWS(ctx, wsURL)
	if f != nil {
		return []Finding{*f}
	}
	defer p.closeWS(conn)
	_ = conn.SetReadDeadline(earliest(ctx, p.o.Timeout))
	var msg struct {
		Type    string `json:"type"`
		Payload struct {
			Msg string `json:"msg"`
		} `json:"payload"`
	}
	details := map[string]any{"id": id, "websocket": p.peerBase() + "peerjs"}
	if err := conn.ReadJSON(&msg); err != nil {
		details["error"] = err.Error()
		return []Finding{p.finding(IDPeerJSNoOpen, SeverityError,
			"the PeerJS WebSocket opened but no OPEN message came ("+err.Error()+"), so the client's open event never fires", "", details)}
	}
	switch msg.Type {
	case "OPEN":
		return []Finding{p.finding(IDPeerJSOK, SeverityOK,
			"the PeerJS id fetch and the OPEN round trip succeed at "+p.peerBase(), "", details)}
	case "ERROR", "ID-TAKEN":
		details["type"], details["message"] = msg.Type, msg.Payload.Msg
		fix := ""
		if msg.Payload.Msg == "Invalid key provided" {
			fix = "pass the server's --key as the key option of new Peer()"
		}
		return []Finding{p.finding(IDPeerJSError, SeverityError,
			"the PeerJS server refused the connection: "+msg.Type+" "+msg.Payload.Msg, fix, details)}
	}
	details["type"] = msg.Type
	return []Finding{p.finding(IDPeerJSNoOpen, SeverityError,
		"the PeerJS server sent "+msg.Type+" where OPEN was expected", "", details)}
}

// fetchPeerID GETs {path}{key}/id; peerjs reports any failure here as
// "Could not get an ID from the server".
func (p *prober) fetchPeerID(ctx context.Context) (string, *Finding) {
	u := p.peerIDURL()
	details := map[string]any{"url": u}
	resp, err := p.get(ctx, u, "")
	if err != nil {
		details["error"] = err.Error()
		f := p.finding(IDPeerJSIDFailed, SeverityError, "the PeerJS id fetch failed: "+err.Error(), "", details)
		return "", &f
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxIDBytes))
	details["status"] = resp.StatusCode
	if resp.StatusCode != http.StatusOK || len(body) == 0 {
		f := p.finding(IDPeerJSIDFailed, SeverityError,
			fmt.Sprintf("GET %s answered %s, so peerjs reports \"Could not get an ID from the server\": the path option does not match the server's --path", p.peerBase()+p.o.PeerKey+"/id", resp.Status),
			wsPathFix(true), details)
		return "", &f
	}
	return string(body), nil
}

// get is a GET with the probe's timeout and TLS settings and, when origin
// is set, an Origin header.
func (p *prober) get(ctx context.Context, u, origin string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", "rtdev-doctor")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	client := &http.Client{
		Timeout: p.o.Timeout,
		Transport: &http.Transport{
			TLSClientConfig:   p.clientTLS("http/1.1"),
			DisableKeepAlives: true,
			Proxy:             nil, // the probe is about this endpoint, not a proxy's
		},
		// Report a redirect as what it is instead of following it.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return client.Do(req)
}

// peerToken is a token like peerjs's Math.random().toString(36).slice(2).
func peerToken() (string, error) {
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	var b strings.Builder
	for range 11 {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(digits))))
		if err != nil {
			return "", err
		}
		b.WriteByte(digits[n.Int64()])
	}
	return b.String(), nil
}
