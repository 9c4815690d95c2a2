package cmd

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/devserver"
	"github.com/rtdev/rtdev/devserver/checkpage"
	"github.com/rtdev/rtdev/devserver/cluster"
	"github.com/rtdev/rtdev/internal/qr"
	"github.com/rtdev/rtdev/internal/tlsserve"
	"github.com/rtdev/rtdev/internal/ui"
	"github.com/rtdev/rtdev/project"
	"github.com/rtdev/rtdev/proxy"
	"github.com/rtdev/rtdev/trust"
)

// printServeBanner says where the server listens, what its certificate
// covers and whether it is trusted, and gives the client options to paste.
func printServeBanner(ctx context.Context, a *app, p *projectCtx, srv *devserver.Server, res *project.EnsureResult, o serveOptions, bound, lan []string, routes *proxy.Server, follow *tlsserve.Follow) {
	st := a.io.StylesErr()
	w := a.io.ErrOut
	fmt.Fprintf(w, "\n%s %s\n", st.Title.Render("rtdev serve"), st.Muted.Render("PeerJS-compatible signaling over HTTPS/WSS"))
	urls := []string{fmt.Sprintf("https://localhost:%d%s", o.port, project.PagePrefix)}
	if o.lan {
		for _, h := range lan {
			urls = append(urls, fmt.Sprintf("https://%s%s", net.JoinHostPort(h, strconv.Itoa(o.port)), project.PagePrefix))
		}
	}
	fmt.Fprintf(w, "  %s %s\n", st.Key.Render("check page"), st.Code.Render(urls[0]))
	for _, u := range urls[1:] {
		fmt.Fprintf(w, "  %s %s\n", st.Key.Render("on your LAN"), st.Code.Render(u))
	}
	fmt.Fprintf(w, "  %s %s\n", st.Key.Render("listening "), strings.Join(bound, ", "))
	printContainers(w, st, follow, o.port)
	if o.cluster != "" {
		// Which Redis holds the realm: instances on another URL are a
		// realm of their own, with ids and messages that never meet.
		fmt.Fprintf(w, "  %s %s %s\n", st.Key.Render("cluster   "), cluster.RedactURL(o.cluster), st.Muted.Render("(one PeerJS realm with every serve on this Redis, path and key)"))
	}
	if o.static != "" {
		fmt.Fprintf(w, "  %s %s %s\n", st.Key.Render("static    "), p.relPath(o.static), st.Muted.Render("("+o.staticFrom+")"))
	}
	if routes != nil {
		for _, rt := range routes.Config().Routes {
			from := rt.From
			if rt.LoopbackOnly != "" {
				from += ", this machine only"
			}
			fmt.Fprintf(w, "  %s %s -> %s %s\n", st.Key.Render("route     "), rt.Path, rt.Target, st.Muted.Render("("+from+")"))
		}
	}
	fmt.Fprintf(w, "  %s %s\n", st.Key.Render("websocket "), fmt.Sprintf("wss://localhost:%d%s", o.port, srv.WebSocketPath()))
	fmt.Fprintf(w, "  %s %s (%s)\n", st.Key.Render("cert      "), p.relPath(p.layout.Cert), strings.Join(nameStrings(res.Names), ", "))
	fmt.Fprintf(w, "  %s %s\n", st.Key.Render("CA trusted"), trustSummary(ctx, a, res))
	fmt.Fprintf(w, "\n%s\n%s\n\n", st.Muted.Render("// paste into your app (peerjs 1.5.x):"), st.Code.Render(peerSnippet(o.port, srv.Config())))
	if o.lan && len(lan) > 0 {
		printPhoneSetup(a, st, fmt.Sprintf("http://%s%sphone", net.JoinHostPort(lan[0], strconv.Itoa(o.port)), project.PagePrefix), res.CA.CertPEM, o.qr)
	}
}

// printPhoneSetup prints the phone setup URL: on a colour terminal with a QR
// code and the CA fingerprint the page shows, so the user can compare
// (the page comes over plain HTTP); piped, the URL alone. The code needs
// explicit colours to read on both dark and light themes, so NO_COLOR
// gets the URL and fingerprint only.
func printPhoneSetup(a *app, st ui.Styles, setup string, caPEM []byte, showQR bool) {
	w := a.io.ErrOut
	if !a.io.ErrTTY {
		fmt.Fprintf(w, "phone setup: %s\n", setup)
		return
	}
	fmt.Fprintf(w, "%s\n", st.Muted.Render("// on a phone on the same Wi-Fi, open (plain http, before it trusts the CA):"))
	if showQR && st.Color() {
		if code, err := qr.Encode(setup); err == nil {
			fmt.Fprint(w, st.QRBlocks(code.Size(), code.Dark))
		}
	}
	fmt.Fprintf(w, "  %s %s\n", st.Key.Render("phone setup"), st.Code.Render(setup))
	fmt.Fprintf(w, "  %s %s\n\n", st.Key.Render("CA SHA-256 "), checkpage.Fingerprint(caPEM))
}

// lanHostsInCert lists this machine's LAN addresses that the certificate
// covers, the default route's first, then IPv4 first: the ones a phone can
// open without a name mismatch.
func lanHostsInCert(res *project.EnsureResult, sys project.System) []string {
	var out []string
	for _, addr := range project.PhoneAddrs(sys) {
		if h := addr.IP.String(); hostInCert(res, h) {
			out = append(out, h)
		}
	}
	return out
}

// peerSnippet is the client configuration that matches this server, with
// the path as the server normalised it.
// The host is the page's own, as in the peerjs snippet: localhost on this
// machine, the LAN address on a phone, and never a loopback socket from a
// page at a LAN address, which Chrome's Local Network Access holds for a
// permission prompt.
func peerSnippet(port int, cfg devserver.Config) string {
	return fmt.Sprintf(`const peer = new Peer({ host: location.hostname, port: %d, path: %q, secure: true, key: %q });`,
		port, cfg.Path, cfg.Key)
}

func hostInCert(res *project.EnsureResult, host string) bool {
	return slices.ContainsFunc(res.Names, func(n ca.Name) bool { return n.Value == host })
}

// trustSummary says in a few words where the CA is trusted, from the same
// checks `rtdev trust status` makes (without prompting for anything).
func trustSummary(ctx context.Context, a *app, res *project.EnsureResult) string {
	st := a.io.StylesErr()
	results, err := a.trustAction(ctx, res.CA, "status", "", false)
	if err != nil {
		return st.Warn.Render("unknown") + " (" + err.Error() + ")"
	}
	var ok, missing []string
	for _, r := range results {
		switch {
		case r.Problem():
			missing = append(missing, r.Store)
		case r.State == trust.Installed || r.State == trust.Already:
			ok = append(ok, r.Store)
		}
	}
	ok, missing = slices.Compact(ok), slices.Compact(missing)
	switch {
	case len(missing) == 0 && len(ok) > 0:
		return st.OK.Render("yes") + " (" + strings.Join(ok, ", ") + ")"
	case len(missing) == 0:
		return st.Warn.Render("no stores checked") + " (RTDEV_TRUST_STORES)"
	default:
		return st.Warn.Render("not in "+strings.Join(missing, ", ")) + " — run " + st.Code.Render(a.cmdline("trust", "install"))
	}
}
