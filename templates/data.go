package templates

import (
	"github.com/rtdev/rtdev/project"
	"net"
	"path/filepath"
	"strconv"
	"strings"
)

// Data is the project's real state a snippet is rendered from. cmd fills it
// from rtdev.toml and the .rtdev/ folder; zero values get the defaults noted.
type Data struct {
	ProjectDir string // absolute

	// Absolute paths of the project's certificate set.
	CertFile      string // leaf certificate, PEM
	KeyFile       string // leaf key, PEM, PKCS#8
	CAFile        string // rtdev root, PEM
	FullchainFile string // leaf + root, PEM; CertFile is used when empty
	P12File       string // leaf + key (+ root), PKCS#12
	CADERFile     string // rtdev root, DER (iOS SecurityContext, Android raw resources)
	BundleFile    string // system roots + rtdev root: for variables that replace the default roots
	P12Password   string

	// A Java truststore (the system roots plus the rtdev root, as PKCS#12);
	// RenderEnv adds the javax.net.ssl flags only when it is set.
	TrustStoreFile     string
	TrustStorePassword string

	Hosts      []string // DNS names and IPs in the certificate
	Host       string   // what a client types: "localhost" (or the LAN IP with --lan); "localhost" if empty
	LANAddress string   // may be ""; when set, servers listen on every interface

	ServePort int    // rtdev serve port; 9000 if 0
	ServePath string // rtdev serve path; "/" if empty
	ServeKey  string // rtdev serve key; "peerjs" if empty

	AppPort      int // the target's own port; Target.DefaultPort if 0
	PagePort     int // port of the page that opens sockets (CORS/allowed origins); 5173 (Vite) if 0
	UpstreamPort int // plain-HTTP app behind nginx/Caddy; 3000 if 0

	KeyType string // "ecdsa" | "rsa"

	// Absolute keeps absolute paths for the targets whose tool resolves
	// paths from the project root (Target.ProjectRelative). They get
	// project-relative paths by default: their files (vite.config.js,
	// nuxt.config.ts, package.json scripts) are committed, and an absolute
	// path names one developer's folder and breaks for everyone else.
	Absolute bool

	// BehindServe renders the config for a dev server that runs plain on
	// loopback behind `rtdev serve --route /=http://localhost:PORT`: the
	// page, its modules and the HMR WebSocket all come through the serve
	// port, one origin with PeerJS. Only targets with Target.BehindServe.
	BehindServe bool
}

// Defaults for the zero values of Data that are the templates' own; the
// serve and proxy ones are project's.
const (
	DefaultPagePort     = 5173
	DefaultUpstreamPort = 3000
	DefaultHost         = "localhost"
)

// withDefaults fills the zero values that have a default for target t.
func (d Data) withDefaults(t Target) Data {
	if d.Host == "" {
		d.Host = DefaultHost
	}
	if d.ServePort == 0 {
		d.ServePort = project.DefaultServePort
	}
	if d.ServePath == "" {
		d.ServePath = project.DefaultServePath
	}
	if d.ServeKey == "" {
		d.ServeKey = project.DefaultServeKey
	}
	if d.AppPort == 0 {
		d.AppPort = t.DefaultPort
	}
	if d.PagePort == 0 {
		d.PagePort = DefaultPagePort
	}
	if d.UpstreamPort == 0 {
		d.UpstreamPort = DefaultUpstreamPort
	}
	if d.FullchainFile == "" {
		d.FullchainFile = d.CertFile
	}
	if len(d.Hosts) == 0 {
		d.Hosts = []string{d.Host}
	}
	return d
}

// relativePath returns p relative to the project folder, with forward
// slashes (Node, Python and the JVM accept them on Windows too), or p itself
// when it lies outside the project.
func (d Data) relativePath(p string) string {
	if d.ProjectDir == "" || !filepath.IsAbs(p) {
		return p
	}
	rel, err := filepath.Rel(d.ProjectDir, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return p
	}
	return filepath.ToSlash(rel)
}

// hostPort joins host and port, bracketing IPv6 literals (RFC 3986 §3.2.2).
func hostPort(host string, port int) string {
	return net.JoinHostPort(host, strconv.Itoa(port))
}
