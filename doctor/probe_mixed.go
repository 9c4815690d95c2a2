package doctor

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// maxInfoBytes bounds the answer read to recognise a server; peerjs-server's
// is about 140 bytes.
const maxInfoBytes = 4 << 10

// peerJSServerName is what peerjs-server answers GET {path} with, in the
// name field of its info document (peers/peerjs-server app.json).
const peerJSServerName = "PeerJS Server"

// pageIsHTTPS reports whether --origin is an https:// page.
func (p *prober) pageIsHTTPS() bool { return strings.HasPrefix(p.o.Origin, "https://") }

// checkMixedContent reports an https:// page that would use this plain
// http:// or ws:// endpoint: browsers block it as mixed content, and a
// client switched to TLS (peerjs's secure: true) meets a plain port and
// gets ERR_SSL_PROTOCOL_ERROR. The fix puts TLS in front of the endpoint;
// "use http://" is no fix for an HTTPS page.
func (p *prober) checkMixedContent(ctx context.Context) []Finding {
	if p.t.TLS() || !p.pageIsHTTPS() {
		return nil
	}
	secure := map[string]string{"http": "https", "ws": "wss"}[p.t.Scheme]
	details := map[string]any{"origin": p.o.Origin, "use": p.t.withScheme(secure), "proxy": proxyFix(p.t)}
	snippet := p.plainServerSnippet(ctx, details)
	return []Finding{p.finding(IDMixedContent, SeverityError,
		"a page from "+p.o.Origin+" cannot use this plain "+p.t.Scheme+":// endpoint: browsers block it as mixed content, and a client set to "+
			secure+":// gets ERR_SSL_PROTOCOL_ERROR here: the endpoint needs TLS",
		snippet+" (TLS in the server), or "+proxyFix(p.t)+" (no change to it)", details)}
}

// plainServerSnippet is the snippet that puts TLS in the plain server on
// the probed port: peerjs-server's when it answers as peerjs-server (and
// then details["server"] says so), else the one for the port.
func (p *prober) plainServerSnippet(ctx context.Context, details map[string]any) string {
	if p.isPeerJSServer(ctx) {
		details["server"] = "peerjs-server"
		return "rtdev snippet peerjs-server"
	}
	return snippetFix(p.t.Port)
}

// isPeerJSServer reports whether the plain-HTTP endpoint answers GET {path}
// as peerjs-server does, with its info document. rtdev serve answers the
// same but never without TLS, so a plain answer is peerjs-server's.
func (p *prober) isPeerJSServer(ctx context.Context) bool {
	resp, err := p.get(ctx, "http://"+p.t.Addr()+p.peerBase(), "")
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false
	}
	var info struct {
		Name string `json:"name"`
	}
	return json.NewDecoder(io.LimitReader(resp.Body, maxInfoBytes)).Decode(&info) == nil && info.Name == peerJSServerName
}
