package checkpage

import (
	"crypto/sha256"
	"encoding/base64"
	"github.com/rtdev/rtdev/project"
	"html/template"
	"net/http"
	"net/url"

	"github.com/rtdev/rtdev/devserver"
	"github.com/rtdev/rtdev/internal/qr"
)

var phonePage = template.Must(template.ParseFS(assets, "assets/phone.html"))

// phoneScript is inlined in the page, which must work over plain HTTP where
// no other path is served; the CSP allows exactly this script by its hash.
var phoneScript, phoneScriptHash = func() (string, string) {
	js := mustAsset("assets/phone.js")
	sum := sha256.Sum256([]byte(js))
	return js, "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}()

// PlainPaths are the paths under prefix (project.PagePrefix when empty) that may be
// served over plain HTTP: the phone setup page and the public CA files.
// Nothing else in Handler is public before trust.
func PlainPaths(prefix string) []string {
	if prefix == "" {
		prefix = project.PagePrefix
	}
	return []string{prefix + "phone", prefix + "rtdev-ca.mobileconfig", prefix + "rtdev-ca.crt", prefix + "ca.pem"}
}

// lanHostPort is where a phone reaches this server: the LAN address the
// request came in on when the certificate covers it, else the first LAN
// address (a laptop on localhost shows the phone the LAN URL), else
// localhost when serve runs without --lan.
func lanHostPort(r *http.Request, lanHosts []string) string {
	if len(lanHosts) == 0 {
		return devserver.LinkHostPort(r, []string{"localhost"})
	}
	return devserver.LinkHostPort(r, lanHosts)
}

// setupURL is the plain-HTTP phone page a QR code points at.
func setupURL(hostport, prefix string) string {
	return (&url.URL{Scheme: "http", Host: hostport, Path: prefix + "phone"}).String()
}

// qrSVG is the inline SVG of text, or nothing if it cannot be encoded.
func qrSVG(text, label string) template.HTML {
	c, err := qr.Encode(text)
	if err != nil {
		return ""
	}
	return template.HTML(c.SVG(label)) // our own markup; label is escaped by SVG
}

func servePhone(cfg Config, files *caFiles) http.HandlerFunc {
	css := mustAsset("assets/check.css")
	return func(w http.ResponseWriter, r *http.Request) {
		if files == nil {
			http.Error(w, "no CA certificate configured", http.StatusNotFound)
			return
		}
		hp := lanHostPort(r, cfg.LANHosts)
		p := platformOf(r.Header.Get("User-Agent"))
		setup := setupURL(hp, cfg.Prefix)
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-store")
		h.Set("Vary", "User-Agent")
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; script-src "+phoneScriptHash+"; img-src 'self' data:; connect-src 'self'")
		_ = phonePage.Execute(w, map[string]any{
			"CSS":         template.CSS(css),
			"Script":      template.JS(phoneScript),
			"Prefix":      cfg.Prefix,
			"Platform":    p,
			"Order":       stepOrder(p.Key),
			"Fingerprint": files.fingerprint,
			"Machine":     machineName(cfg.Machine),
			"LAN":         len(cfg.LANHosts) > 0,
			"LANCommand":  cfg.LANCommand,
			"SetupURL":    setup,
			"QR":          qrSVG(setup, "QR code of "+setup),
			"CheckURL":    (&url.URL{Scheme: "https", Host: hp, Path: cfg.Prefix}).String(),
		})
	}
}

func machineName(m string) string {
	if m == "" {
		return "this computer"
	}
	return m
}

// serveFile serves one public form of the CA as a download.
func serveFile(files *caFiles, contentType, name string, body func(*caFiles) []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if files == nil {
			http.Error(w, "no CA certificate configured", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write(body(files))
	}
}

func mustAsset(name string) string {
	data, err := assets.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return string(data)
}
