package doctor

import (
	"context"
	"strings"

	"github.com/rtdev/rtdev/internal/shell"
)

// checkCORS GETs the URL a page would fetch (the PeerJS id URL, or the
// target) with the Origin header and checks the answer lets that origin
// read it. Without it the browser hides the response: peerjs reports
// "Could not get an ID from the server" (peers/peerjs lib/api.ts).
func (p *prober) checkCORS(ctx context.Context) []Finding {
	u := p.t.withScheme(p.t.httpScheme())
	if p.o.PeerJS {
		u = p.peerIDURL()
	}
	details := map[string]any{"origin": p.o.Origin, "url": u}
	resp, err := p.get(ctx, u, p.o.Origin)
	if err != nil {
		details["error"] = err.Error()
		return []Finding{p.finding(IDCORSFailed, SeverityError, "the CORS request failed: "+err.Error(), "", details)}
	}
	resp.Body.Close()
	acao := resp.Header.Get("Access-Control-Allow-Origin")
	details["status"], details["allow_origin"] = resp.StatusCode, acao
	if acao == "*" || acao == p.o.Origin {
		return []Finding{p.finding(IDCORSOK, SeverityOK, "pages from "+p.o.Origin+" may read "+pathOnly(urlPath(u)), "", details)}
	}
	fix := "allow " + p.o.Origin + " in the server's CORS settings"
	if p.o.PeerJS {
		fix = "rtdev serve --cors " + shell.Quote(p.o.Origin)
	}
	got := "no Access-Control-Allow-Origin"
	if acao != "" {
		got = "Access-Control-Allow-Origin " + acao
	}
	return []Finding{p.finding(IDCORSBlocked, SeverityError,
		"the server answers with "+got+", so a page from "+p.o.Origin+" cannot read "+pathOnly(urlPath(u)), fix, details)}
}

// urlPath is the path and query of an absolute URL.
func urlPath(u string) string {
	if _, rest, ok := strings.Cut(u, "://"); ok {
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			return rest[i:]
		}
	}
	return "/"
}
