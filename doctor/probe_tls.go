package doctor

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"

	"github.com/rtdev/rtdev/internal/shell"
	"github.com/rtdev/rtdev/internal/target"
)

// TLS alerts worth naming (RFC 8446 §6, RFC 6066 §3, RFC 7301 §3.2).
const (
	alertHandshakeFailure  = 40
	alertProtocolVersion   = 70
	alertUnrecognizedName  = 112
	alertNoApplicationProt = 120
)

// clientTLS is the configuration every probe connection uses. Verification
// is off on purpose: checkCert judges the certificate with a diagnosis a
// failed handshake would hide, and the later steps (upgrade, PeerJS, CORS)
// test the HTTP layer even when the certificate is also wrong. TLS 1.0 is
// offered so an old server is named rather than just failing.
func (p *prober) clientTLS(alpn ...string) *tls.Config {
	c := &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS10, NextProtos: alpn}
	// SNI carries names only (RFC 6066 §3).
	if net.ParseIP(p.t.Host) == nil {
		c.ServerName = p.t.Host
	}
	return c
}

// alpnOffer is what a browser offers: h2 and http/1.1 for pages; WebSocket
// upgrades are HTTP/1.1 requests (RFC 6455).
func (p *prober) alpnOffer() []string {
	if p.t.WebSocket() || p.o.PeerJS {
		return []string{"http/1.1"}
	}
	return []string{"h2", "http/1.1"}
}

// checkTLS runs the handshake on conn, then judges the certificate and
// the negotiated parameters. ok is false when the handshake failed.
func (p *prober) checkTLS(ctx context.Context, conn net.Conn) (out []Finding, ok bool) {
	tc := tls.Client(conn, p.clientTLS(p.alpnOffer()...))
	defer tc.Close()
	hctx, cancel := context.WithTimeout(ctx, p.o.Timeout)
	defer cancel()
	if err := tc.HandshakeContext(hctx); err != nil {
		return []Finding{p.handshakeFailure(ctx, err)}, false
	}
	st := tc.ConnectionState()
	out = p.checkCert(ctx, st.PeerCertificates)
	return append(out, p.checkParams(st)...), true
}

// handshakeFailure names why the handshake failed. A plain-HTTP server
// either answers the ClientHello with an HTTP 400 (Go reports a record
// header starting "HTTP/"), closes, or waits for a request line; for the
// last two a plain request on a new connection tells.
func (p *prober) handshakeFailure(ctx context.Context, err error) Finding {
	details := map[string]any{"error": err.Error()}
	var rhe tls.RecordHeaderError
	if errors.As(err, &rhe) && bytes.HasPrefix(rhe.RecordHeader[:], []byte("HTTP/")) {
		return p.plainHTTPFinding(ctx, details)
	}
	var alert tls.AlertError
	if errors.As(err, &alert) {
		details["alert"] = alert.Error()
		msg, fix := "the server refused the TLS handshake ("+alert.Error()+")", ""
		id := IDTLSHandshakeFailed
		switch alert {
		case alertNoApplicationProt:
			id = IDTLSALPNMismatch
			msg = fmt.Sprintf("the server accepts none of the ALPN protocols a browser offers here (%v)", p.alpnOffer())
			fix = "let the server negotiate http/1.1 (WebSocket upgrades need it)"
		case alertUnrecognizedName:
			msg = "the server has no certificate for the name " + p.t.Host + " (SNI)"
			fix = "use a host name the server is configured for, or add it to its server names"
		case alertProtocolVersion, alertHandshakeFailure:
			msg = "the server and a modern client share no TLS version or cipher suite (" + alert.Error() + ")"
			fix = "allow TLS 1.2 and 1.3 with ECDHE suites on the server"
		}
		return p.finding(id, SeverityError, msg, fix, details)
	}
	if resp := p.plainAnswer(ctx); resp != "" {
		details["answer"] = resp
		return p.plainHTTPFinding(ctx, details)
	}
	msg := "the TLS handshake failed: " + err.Error()
	if errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET) {
		msg = "the server closed the connection during the TLS handshake and does not answer plain HTTP either"
	} else if isTimeout(err) {
		msg = fmt.Sprintf("no TLS answer within %s: the port speaks some other protocol", p.o.Timeout)
	}
	return p.finding(IDTLSHandshakeFailed, SeverityError, msg, "", details)
}

// plainHTTPFinding is the ERR_SSL_PROTOCOL_ERROR case: a TLS URL on a port
// that speaks plain HTTP.
// Besides the server's own TLS setup it offers rtdev proxy, which needs no
// change to the server (details["proxy"] holds that command alone).
func (p *prober) plainHTTPFinding(ctx context.Context, details map[string]any) Finding {
	plain := map[string]string{"https": "http", "wss": "ws"}[p.t.Scheme]
	px := proxyFix(p.t)
	details["proxy"] = px
	snippet := p.plainServerSnippet(ctx, details)
	// An https:// page cannot use a plain endpoint (mixed content), so
	// "use http://" is offered only when no such page is in play.
	ways := "start the server with TLS (" + snippet + ") or put " + px + " in front of it"
	if !p.pageIsHTTPS() {
		ways = "start the server with TLS (" + snippet + "), put " + px + " in front of it, or use " + plain + "://"
	}
	return p.finding(IDTLSPlainHTTP, SeverityError,
		"this port speaks plain HTTP: "+ways+"; browsers show ERR_SSL_PROTOCOL_ERROR here",
		snippet+" (TLS in the server), or "+px+" (no change to it)", details)
}

// proxyFix is the rtdev proxy command for a plain server at t: the bare
// port when it is this machine, as a user would type it.
func proxyFix(t Target) string {
	to := t.Addr()
	if tg, err := target.Parse(to); err == nil && tg.Loopback() {
		to = t.Port
	}
	return "rtdev proxy --to " + shell.Quote(to)
}

// plainAnswer sends a plain HTTP request on a new connection and returns
// the status line of an HTTP answer, or "" when there is none.
func (p *prober) plainAnswer(ctx context.Context) string {
	conn, err := p.connect(ctx)
	if err != nil {
		return ""
	}
	resp, err := p.plainRequest(ctx, conn)
	if err != nil {
		return ""
	}
	return resp.Proto + " " + resp.Status
}

// plainRequest sends GET Path as plain HTTP/1.1 on conn, reads the
// response head and closes conn.
func (p *prober) plainRequest(ctx context.Context, conn net.Conn) (*http.Response, error) {
	defer conn.Close()
	_ = conn.SetDeadline(earliest(ctx, p.o.Timeout))
	req := "GET " + p.t.Path + " HTTP/1.1\r\nHost: " + p.t.Addr() + "\r\nUser-Agent: rtdev-doctor\r\nConnection: close\r\n\r\n"
	if _, err := io.WriteString(conn, req); err != nil {
		return nil, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	return resp, nil
}

// speaksTLS reports whether a TLS handshake on a new connection gets a TLS
// answer: a completed handshake, or a TLS alert (which only a TLS server
// sends).
func (p *prober) speaksTLS(ctx context.Context) bool {
	conn, err := p.connect(ctx)
	if err != nil {
		return false
	}
	tc := tls.Client(conn, p.clientTLS("http/1.1"))
	defer tc.Close()
	hctx, cancel := context.WithTimeout(ctx, p.o.Timeout)
	defer cancel()
	err = tc.HandshakeContext(hctx)
	var alert tls.AlertError
	return err == nil || errors.As(err, &alert)
}

// checkParams reports the negotiated version, cipher suite and ALPN.
func (p *prober) checkParams(st tls.ConnectionState) []Finding {
	details := map[string]any{
		"version": tls.VersionName(st.Version),
		"cipher":  tls.CipherSuiteName(st.CipherSuite),
		"alpn":    st.NegotiatedProtocol,
	}
	if st.Version < tls.VersionTLS12 {
		// Chrome, Firefox and Safari removed TLS 1.0 and 1.1 in 2020
		// (RFC 8996 deprecates them).
		return []Finding{p.finding(IDTLSOldVersion, SeverityError,
			"the server negotiates "+tls.VersionName(st.Version)+", which browsers refuse (ERR_SSL_VERSION_OR_CIPHER_MISMATCH)",
			"set the server's minimum TLS version to 1.2", details)}
	}
	alpn := st.NegotiatedProtocol
	if alpn == "" {
		alpn = "no ALPN"
	}
	return []Finding{p.finding(IDTLSOK, SeverityOK,
		"TLS is "+tls.VersionName(st.Version)+" with "+tls.CipherSuiteName(st.CipherSuite)+", "+alpn, "", details)}
}
