package doctor

import (
	"net"
	"net/netip"
	"net/url"
	"strings"
)

// IDLocalNetworkAccess: the page's origin is on a less private address than
// the probed URL (a page from a LAN address opening localhost), which
// Chrome's Local Network Access holds for a permission prompt.
const IDLocalNetworkAccess = "local-network-access"

// addressSpace ranks where an address is, from most private to least, as
// Chrome's Local Network Access does: a request to a more private space
// than the page's own needs the user's permission.
type addressSpace int

const (
	spaceLoopback addressSpace = iota
	spaceLocal
	spacePublic
)

func (s addressSpace) String() string {
	return [...]string{"this machine's loopback", "a local-network address", "a public address"}[s]
}

// cgnat is the shared address space of RFC 6598, which Chrome counts as
// local, not public.
var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// spaceOf is the address space of host, and whether it can be told without
// resolving a name: localhost and its subdomains (browsers resolve them to
// loopback themselves) and IP literals. Any other name could point
// anywhere.
func spaceOf(host string) (addressSpace, bool) {
	h := strings.TrimSuffix(strings.ToLower(host), ".")
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return spaceLoopback, true
	}
	ip, err := netip.ParseAddr(strings.Trim(h, "[]"))
	if err != nil {
		return 0, false
	}
	ip = ip.Unmap().WithZone("")
	switch {
	case ip.IsLoopback():
		return spaceLoopback, true
	case ip.IsPrivate(), ip.IsLinkLocalUnicast(), cgnat.Contains(ip):
		return spaceLocal, true
	}
	return spacePublic, true
}

// checkLNA reports the Local Network Access prompt a page from origin meets
// when it connects to t: Chrome 142+ holds a fetch, and Chrome 147+ a
// WebSocket too, from a page to a more private address space (a page opened
// at https://192.168.1.5:5173, as the phone's URL, opening
// wss://localhost:9000) until the user answers a permission prompt; the
// socket neither opens nor fails meanwhile, and no error names the cause.
// Nothing is reported when either side's space cannot be told from its text.
func checkLNA(t Target, origin string) []Finding {
	if origin == "" {
		return nil
	}
	u, err := url.Parse(origin)
	if err != nil {
		return nil
	}
	page, ok := spaceOf(u.Hostname())
	if !ok {
		return nil
	}
	to, ok := spaceOf(t.Host)
	if !ok || to >= page {
		return nil
	}
	use := t
	use.Host = u.Hostname()
	details := map[string]any{"origin": origin, "origin_space": page.String(), "url": t.String(), "url_space": to.String(), "use": use.String()}
	return []Finding{{
		ID: IDLocalNetworkAccess, Severity: SeverityWarn, Subject: t.String(),
		Message: "a page from " + origin + " (" + page.String() + ") connecting to " + net.JoinHostPort(t.Host, t.Port) +
			" (" + to.String() + ") meets Chrome's Local Network Access prompt: Chrome 142+ (WebSockets from 147) holds the request " +
			"until the user allows it, so the socket neither opens nor fails",
		Fix: "use the page's host in the URL: " + use.String() + " (build it from location.hostname); " +
			"the certificate rtdev issues covers the machine's LAN addresses, and serve listens on them with --lan",
		Details: details,
	}}
}
