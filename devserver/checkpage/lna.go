package checkpage

import (
	"net"
	"net/http"
	"strconv"
	"strings"

	"github.com/rtdev/rtdev/devserver"
	"github.com/rtdev/rtdev/internal/netaddr"
)

// loopbackProbe is the origin of the socket the check page probes for
// Chrome's Local Network Access (wss://localhost:PORT), or "" when the
// probe does not apply. It applies only to a visitor on this machine who
// opened the page by an address other than loopback: the laptop opening
// the LAN URL a phone uses, whose app still opens wss://localhost. Chrome
// 142+ (WebSockets from 147) holds such a socket for a permission prompt,
// or refuses it where no prompt can be shown. Another device's localhost
// is that device, so probing it would tell nothing and could prompt its
// user for nothing.
func loopbackProbe(r *http.Request, port int) string {
	if port == 0 || !devserver.FromThisMachine(r) {
		return ""
	}
	host := devserver.ClientHost(r)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.Trim(host, "[]"))
	// Browsers resolve localhost and its subdomains to loopback themselves.
	if host == "" || netaddr.Loopback(host) || strings.HasSuffix(host, ".localhost") {
		return ""
	}
	return "wss://" + net.JoinHostPort("localhost", strconv.Itoa(port))
}
