package checkpage

import (
	"bytes"
	"embed"
	"encoding/json"
	"encoding/pem"
	"html/template"
	"net/http"

	"github.com/rtdev/rtdev/devserver"
)

//go:embed assets
var assets embed.FS

var page = template.Must(template.ParseFS(assets, "assets/index.html"))

// Config is what the page needs to know about the server it checks.
type Config struct {
	// Prefix is where the page is mounted; "/rtdev/" when empty.
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
}

// Handler serves the page, its script, the CA certificate and the health
// document.
func Handler(cfg Config) http.Handler {
	if cfg.Prefix == "" {
		cfg.Prefix = "/rtdev/"
	}
	if cfg.PeerPath == "" {
		cfg.PeerPath = devserver.DefaultPath
	}
	if cfg.PeerKey == "" {
		cfg.PeerKey = devserver.DefaultKey
	}
	// Decided once: only a PEM made of certificates is ever served, so a
	// key handed in by mistake cannot leak through the download.
	servable := onlyCertificates(cfg.CACertPEM)
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+cfg.Prefix+"{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		// The page runs only its own script: no inline code, no other origin.
		w.Header().Set("Content-Security-Policy", "default-src 'self'; connect-src 'self' wss: https:; style-src 'self'")
		_ = page.Execute(w, map[string]string{
			"Prefix": cfg.Prefix,
			"Path":   cfg.PeerPath,
			"Key":    cfg.PeerKey,
		})
	})
	mux.HandleFunc("GET "+cfg.Prefix+"check.js", serveAsset("assets/check.js", "text/javascript; charset=utf-8"))
	mux.HandleFunc("GET "+cfg.Prefix+"check.css", serveAsset("assets/check.css", "text/css; charset=utf-8"))
	mux.HandleFunc("GET "+cfg.Prefix+"ca.pem", func(w http.ResponseWriter, r *http.Request) {
		if !servable {
			http.Error(w, "no CA certificate configured", http.StatusNotFound)
			return
		}
		// application/x-x509-ca-cert makes Android and iOS offer to
		// install the certificate instead of showing text.
		w.Header().Set("Content-Type", "application/x-x509-ca-cert")
		w.Header().Set("Content-Disposition", `attachment; filename="rtdev-ca.pem"`)
		_, _ = w.Write(cfg.CACertPEM)
	})
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
