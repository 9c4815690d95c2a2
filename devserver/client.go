package devserver

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// ForwardTokenHeader carries Config.ForwardToken from the one reverse
// proxy allowed to speak for its clients (rtdev's Vite plugin). Without it
// X-Forwarded-For and X-Forwarded-Host are anybody's words: every web page
// the developer opens and, under --lan, every device on the Wi-Fi can send
// them.
const ForwardTokenHeader = "X-Rtdev-Forward-Token"

// minForwardTokenLen keeps a token out of a guesser's reach: the Vite
// plugin sends 32 random bytes (43 base64url characters).
const minForwardTokenLen = 16

// maxForwardedHostLen bounds X-Forwarded-Host: a DNS name (253), a colon
// and a port, or a bracketed IPv6 address with a zone.
const maxForwardedHostLen = 300

type clientKey struct{}

// forwardedClient is what a proxy holding the token said about its client.
type forwardedClient struct {
	addr netip.Addr
	host string // "" when the proxy sent no usable X-Forwarded-Host
}

// checkForwardToken refuses a token that is short or that HTTP would not
// carry unchanged (a space or control character is trimmed or refused on
// the way).
func checkForwardToken(tok string) error {
	if len(tok) < minForwardTokenLen {
		return fmt.Errorf("must be at least %d characters, got %d", minForwardTokenLen, len(tok))
	}
	for i := 0; i < len(tok); i++ {
		if tok[i] <= ' ' || tok[i] > '~' {
			return fmt.Errorf("must be printable ASCII without spaces")
		}
	}
	return nil
}

// clientView is r as every handler sees it: without ForwardTokenHeader,
// which is removed before anything can forward or log it, and, when that
// header held Config.ForwardToken, carrying the client address and host
// the proxy forwarded (ClientAddr, ClientHost). A wrong token is logged
// and the forwarded headers are then ignored.
func (s *Server) clientView(r *http.Request) *http.Request {
	tokens := r.Header.Values(ForwardTokenHeader)
	if len(tokens) == 0 {
		return r
	}
	r = r.Clone(r.Context()) // a handler must not change the caller's header map
	r.Header.Del(ForwardTokenHeader)
	if !s.tokenMatches(tokens) {
		s.log.Warn("forwarded headers ignored: the request carries a wrong "+ForwardTokenHeader, "remote", r.RemoteAddr)
		return r
	}
	addr, ok := forwardedAddr(r.Header.Values("X-Forwarded-For"))
	if !ok {
		return r
	}
	fc := forwardedClient{addr: addr, host: forwardedHost(r.Header.Values("X-Forwarded-Host"))}
	return r.WithContext(context.WithValue(r.Context(), clientKey{}, fc))
}

// tokenMatches compares in constant time; hashing first keeps the token's
// length out of the timing too.
func (s *Server) tokenMatches(tokens []string) bool {
	if s.forwardToken == nil || len(tokens) != 1 {
		return false
	}
	got := sha256.Sum256([]byte(tokens[0]))
	return subtle.ConstantTimeCompare(got[:], s.forwardToken) == 1
}

// forwardedAddr is the last X-Forwarded-For entry: the one the trusted
// proxy added. http-proxy (Vite's) appends its client's address to
// whatever that client sent, so earlier entries are the client's own words.
func forwardedAddr(values []string) (netip.Addr, bool) {
	last := lastEntry(values)
	a, err := netip.ParseAddr(last)
	if err != nil {
		ap, err := netip.ParseAddrPort(last)
		if err != nil {
			return netip.Addr{}, false
		}
		a = ap.Addr()
	}
	return a.Unmap().WithZone(""), true
}

// lastEntry is the last entry of a comma-separated header sent in one or
// more lines, trimmed.
func lastEntry(values []string) string {
	if len(values) == 0 {
		return ""
	}
	last := values[len(values)-1]
	if i := strings.LastIndexByte(last, ','); i >= 0 {
		last = last[i+1:]
	}
	return strings.TrimSpace(last)
}

// forwardedHost is the last X-Forwarded-Host entry when it is a plausible
// host[:port], else "".
func forwardedHost(values []string) string {
	last := lastEntry(values)
	if last == "" || len(last) > maxForwardedHostLen {
		return ""
	}
	for i := 0; i < len(last); i++ {
		c := last[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(".-:[]%_", c) >= 0) {
			return ""
		}
	}
	return last
}

// ClientAddr is the address of the client that sent r, IPv4-mapped
// addresses unmapped: the TCP peer, or, on a request that carried
// Config.ForwardToken, the address the proxy forwarded. Per-client limits
// and logs use it, so neither believes a header anyone could send. It is
// the zero Addr when r.RemoteAddr is no address (a handler called
// directly, as in a test).
func ClientAddr(r *http.Request) netip.Addr {
	if fc, ok := r.Context().Value(clientKey{}).(forwardedClient); ok {
		return fc.addr
	}
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap().WithZone("")
}

// ClientHost is the Host the client's browser used: r.Host, or, on a
// request that carried Config.ForwardToken, the X-Forwarded-Host the proxy
// sent (the proxy itself reaches this server as localhost).
func ClientHost(r *http.Request) string {
	if fc, ok := r.Context().Value(clientKey{}).(forwardedClient); ok && fc.host != "" {
		return fc.host
	}
	return r.Host
}

// clientRemote names the client in a log line: its address and port, or
// the forwarded address and the proxy's connection it came through.
func clientRemote(r *http.Request) string {
	if fc, ok := r.Context().Value(clientKey{}).(forwardedClient); ok {
		return fc.addr.String() + " via " + r.RemoteAddr
	}
	return r.RemoteAddr
}
