package doctor

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"time"
)

// checkPlain checks that an http:// or ws:// target's port speaks plain
// HTTP, sending a request on conn, the already open connection.
func (p *prober) checkPlain(ctx context.Context, conn net.Conn) ([]Finding, bool) {
	resp, err := p.plainRequest(ctx, conn)
	// A TLS server answers plain HTTP with a TLS alert, by closing, or with
	// an HTTP 400 naming HTTPS (Go, nginx, rtdev serve): confirm with a
	// handshake before saying so.
	if (err != nil || resp.StatusCode == http.StatusBadRequest) && p.speaksTLS(ctx) {
		secure := map[string]string{"http": "https", "ws": "wss"}[p.t.Scheme]
		return []Finding{p.finding(IDPlainTLSPort, SeverityError,
			"this port speaks TLS: use "+secure+"://; a plain client here makes the server log \"first record does not look like a TLS handshake\"",
			p.t.withScheme(secure), map[string]any{"use": p.t.withScheme(secure)})}, false
	}
	if err != nil {
		return []Finding{p.finding(IDPlainNotHTTP, SeverityError,
			"the port accepts connections but answers neither plain HTTP nor TLS: "+err.Error(), "", map[string]any{"error": err.Error()})}, false
	}
	return []Finding{p.finding(IDPlainHTTPOK, SeverityOK,
		"the port answers plain HTTP ("+strconv.Itoa(resp.StatusCode)+")", "", map[string]any{"status": resp.StatusCode})}, true
}

// earliest is the deadline for one step: timeout from now, or ctx's
// deadline if that comes first.
func earliest(ctx context.Context, timeout time.Duration) time.Time {
	dl := time.Now().Add(timeout)
	if c, ok := ctx.Deadline(); ok && c.Before(dl) {
		return c
	}
	return dl
}
