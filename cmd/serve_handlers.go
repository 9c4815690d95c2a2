package cmd

import (
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/rtdev/rtdev/devserver"
	"github.com/rtdev/rtdev/devserver/checkpage"
	"github.com/rtdev/rtdev/internal/tlsserve"
	"github.com/rtdev/rtdev/internal/version"
	"github.com/rtdev/rtdev/project"
	"github.com/rtdev/rtdev/proxy"
)

// checkPage is the check page, phone setup page and CA files under /rtdev/;
// page holds what only runServe knows (the LAN hosts, the restart command,
// the loopback port), the rest is filled in here.
func checkPage(srv *devserver.Server, renewer *project.Renewer, reloader *tlsserve.CertReloader, started time.Time, page checkpage.Config) http.Handler {
	page.PeerPath = srv.Config().Path
	page.PeerKey = srv.Config().Key
	page.CACertPEM = renewer.Current().CA.CertPEM
	page.Machine = owner()
	// The certificate the next handshake presents, even when another
	// rtdev init rewrote the files under this server.
	page.Health = func() any {
		return srv.Health(version.String(), time.Since(started), devserver.CertHealthOf(reloader.Leaf()))
	}
	return devserver.NoUpgrade(checkpage.Handler(page))
}

// lanCommand is this serve command as the developer typed it, as they can
// run it again (a.cmdline), with --lan instead of --bind. --cluster is left
// out: its URL may hold a password, and the command is shown in a page.
func (a *app) lanCommand(cmd *cobra.Command) string {
	args := []string{"serve"}
	cmd.Flags().Visit(func(f *pflag.Flag) {
		switch f.Name {
		case "lan", "bind", "cluster":
			return
		}
		if sv, ok := f.Value.(pflag.SliceValue); ok {
			for _, v := range sv.GetSlice() {
				args = append(args, "--"+f.Name+"="+v)
			}
			return
		}
		args = append(args, "--"+f.Name+"="+f.Value.String())
	})
	return a.cmdline(append(args, "--lan")...)
}

// loopbackPort is the port lns answer on at localhost, or 0 when none of
// them listens on a loopback (or every) address.
func loopbackPort(lns []net.Listener) int {
	for _, ln := range lns {
		if ta, ok := ln.Addr().(*net.TCPAddr); ok && (ta.IP.IsLoopback() || ta.IP.IsUnspecified()) {
			return ta.Port
		}
	}
	return 0
}

// serveExtras mounts the check page under /rtdev/ and gives the rest to
// app; both get only what the PeerJS routes do not claim.
func serveExtras(page, app http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(project.PagePrefix, page)
	mux.Handle("/", app)
	return mux
}

// appHandler serves what neither PeerJS nor /rtdev/ claims: a --route
// backend first (WebSocket upgrades included, for HMR), then the static
// files, else rtdev's icon at /favicon.ico and 404 for the rest; an upgrade nothing routes gets peerjs-server's 400.
func appHandler(routes *proxy.Server, static http.Handler) http.Handler {
	// Browsers ask for /favicon.ico on every page that names no icon (the
	// PeerJS info document, the "use https://" page); an app's static folder
	// or route answers for its own, else rtdev's icon does.
	var rest http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/favicon.ico" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			checkpage.ServeFavicon(w, r)
			return
		}
		http.NotFound(w, r)
	})
	if static != nil {
		rest = static
	}
	rest = devserver.NoUpgrade(rest)
	if routes == nil {
		return rest
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if routes.Matches(r.URL.Path) {
			routes.ServeHTTP(w, r)
			return
		}
		rest.ServeHTTP(w, r)
	})
}
