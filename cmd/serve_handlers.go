package cmd

import (
	"net/http"
	"time"

	"github.com/rtdev/rtdev/devserver"
	"github.com/rtdev/rtdev/devserver/checkpage"
	"github.com/rtdev/rtdev/internal/tlsserve"
	"github.com/rtdev/rtdev/internal/version"
	"github.com/rtdev/rtdev/project"
	"github.com/rtdev/rtdev/proxy"
)

// checkPage is the check page, phone setup page and CA files under /rtdev/.
func checkPage(srv *devserver.Server, renewer *project.Renewer, reloader *tlsserve.CertReloader, started time.Time, lan []string) http.Handler {
	return devserver.NoUpgrade(checkpage.Handler(checkpage.Config{
		PeerPath:  srv.Config().Path,
		PeerKey:   srv.Config().Key,
		CACertPEM: renewer.Current().CA.CertPEM,
		LANHosts:  lan,
		Machine:   owner(),
		// The certificate the next handshake presents, even when another
		// rtdev init rewrote the files under this server.
		Health: func() any {
			return srv.Health(version.String(), time.Since(started), devserver.CertHealthOf(reloader.Leaf()))
		},
	}))
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
// files, else 404; an upgrade nothing routes gets peerjs-server's 400.
func appHandler(routes *proxy.Server, static http.Handler) http.Handler {
	rest := http.NotFoundHandler()
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
