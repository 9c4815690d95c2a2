package checkpage

import (
	"bytes"
	"embed"
	"encoding/json"
	"encoding/pem"
	"github.com/rtdev/rtdev/project"
	"html/template"
	"net/http"
	"time"

	"github.com/rtdev/rtdev/devserver"
)

//go:embed assets
var assets embed.FS

var page = template.Must(template.ParseFS(assets, "assets/index.html"))

// Config is what the page needs to know about the server it checks.
type Config struct {
	// Prefix is where the page is mounted; project.PagePrefix when empty.
	Prefix string
	// PeerPath and PeerKey are the signaling server's --path and --key, so
	// the page talks to it exactly as a peerjs client configured by the
	// printed snippet would; empty means devserver's defaults.
	PeerPath string
	PeerKey  string
	// CACertPEM is the public CA certificate served at {Prefix}ca.pem.
	CACertPEM []byte
	// Health returns the document served at {Prefix}health.
	Health func() any
	// LANHosts are the LAN addresses the certificate covers, the one a
	// phone most likely reaches first (rtdev serve --lan); empty without
	// --lan. Links and QR codes for a phone are built from these, never
	// from the request's Host header.
	LANHosts []string
	// Machine names this computer ("dev@laptop") on the phone page and in
	// the configuration profile's display name.
	Machine string
	// LANCommand starts this server again so a phone can reach it, as the
	// developer can run it (rtdev serve passes its own path, which a page
	// cannot know); shown instead of a QR code nobody could use when
	// LANHosts is empty. Empty is "rtdev serve --lan".
	LANCommand string
	// LoopbackPort is the port this server answers on at localhost; 0 when
	// it listens on no loopback address. A visitor on this machine who
	// opened the page by another address (the LAN URL a phone uses) gets a
	// probe of wss://localhost:LoopbackPort, the socket an app that names
	// localhost opens from that page (see assets/check.js).
	LoopbackPort int
	// Now is the clock of pairing codes; nil means time.Now.
	Now func() time.Time
}

// Handler serves the page, its script, the CA certificate and the health
// document.
func Handler(cfg Config) http.Handler {
	if cfg.Prefix == "" {
		cfg.Prefix = project.PagePrefix
	}
	if cfg.PeerPath == "" {
		cfg.PeerPath = devserver.DefaultPath
	}
	if cfg.PeerKey == "" {
		cfg.PeerKey = devserver.DefaultKey
	}
	if cfg.LANCommand == "" {
		cfg.LANCommand = "rtdev serve --lan"
	}
	// Decided once: only a PEM made of certificates is ever served, so a
	// key handed in by mistake cannot leak through the download.
	files := newCAFiles(cfg.CACertPEM, cfg.Machine)
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+cfg.Prefix+"{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		// The page runs only its own script: no inline code, no other origin.
		w.Header().Set("Content-Security-Policy", "default-src 'self'; connect-src 'self' wss: https:; style-src 'self'")
		data := map[string]any{
			"Prefix":     cfg.Prefix,
			"Path":       cfg.PeerPath,
			"Key":        cfg.PeerKey,
			"Platform":   platformOf(r.UserAgent()).Label,
			"LAN":        len(cfg.LANHosts) > 0,
			"LANCommand": cfg.LANCommand,
			"Loopback":   loopbackProbe(r, cfg.LoopbackPort),
		}
		// Without --lan the only address is this machine's own: a QR code
		// of it would send a phone to itself.
		if len(cfg.LANHosts) > 0 {
			setup := setupURL(lanHostPort(r, cfg.LANHosts), cfg.Prefix)
			data["SetupURL"], data["SetupQR"] = setup, qrSVG(setup, "QR code of "+setup)
		}
		_ = page.Execute(w, data)
	})
	mux.HandleFunc("GET "+cfg.Prefix+"check.js", serveAsset("assets/check.js", "text/javascript; charset=utf-8"))
	mux.HandleFunc("GET "+cfg.Prefix+"check.css", serveAsset("assets/check.css", "text/css; charset=utf-8"))
	mux.HandleFunc("GET "+cfg.Prefix+"favicon.ico", ServeFavicon)
	// application/x-x509-ca-cert makes Android and iOS offer to install
	// the certificate instead of showing text.
	mux.HandleFunc("GET "+cfg.Prefix+"ca.pem", serveFile(files, "application/x-x509-ca-cert", "rtdev-ca.pem", func(f *caFiles) []byte { return f.pem }))
	mux.HandleFunc("GET "+cfg.Prefix+"rtdev-ca.crt", serveFile(files, "application/x-x509-ca-cert", "rtdev-ca.crt", func(f *caFiles) []byte { return f.der }))
	// The type Safari and Chrome for iOS hand to the profile installer
	// (chromium ios/chrome/browser/shared/model/utils/mime_type_util).
	mux.HandleFunc("GET "+cfg.Prefix+"rtdev-ca.mobileconfig", serveFile(files, "application/x-apple-aspen-config", "rtdev-ca.mobileconfig", func(f *caFiles) []byte { return f.profile }))
	mux.HandleFunc("GET "+cfg.Prefix+"phone", servePhone(cfg, files))
	pairRoutes(mux, cfg, newLobby(cfg.Now))
	mux.HandleFunc("GET "+cfg.Prefix+"health", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		var doc any = map[string]string{"status": "ok"}
		if cfg.Health != nil {
			doc = cfg.Health()
		}
		_ = json.NewEncoder(w).Encode(doc)
	})
	return mux
}

func serveAsset(name, contentType string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		data, err := assets.ReadFile(name)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(data)
	}
}

// onlyCertificates reports whether data holds at least one PEM block and
// nothing but CERTIFICATE blocks (and white space between them).
func onlyCertificates(data []byte) bool {
	n := 0
	for rest := data; ; n++ {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			return n > 0 && len(bytes.TrimSpace(rest)) == 0
		}
		if b.Type != "CERTIFICATE" {
			return false
		}
	}
}
