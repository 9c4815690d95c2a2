package templates

import (
	"fmt"
	"github.com/rtdev/rtdev/project"
	"net"
	"strings"
)

// view is what a template sees: Data with its defaults filled in, plus the
// paths in the form this target takes and the values derived from them.
type view struct {
	Data
	Target Target
}

func newView(t Target, d Data) view {
	return view{Data: d.withDefaults(t), Target: t}
}

// Port is the target's own port (Data.AppPort or Target.DefaultPort).
func (v view) Port() int { return v.AppPort }

// Bind is the address a generated server listens on: every interface when
// the project has a LAN address (phones on Wi-Fi), loopback otherwise, as
// rtdev serve does.
func (v view) Bind() string {
	if v.LANAddress != "" {
		return "0.0.0.0"
	}
	return "127.0.0.1"
}

// PageHosts are the names and addresses a page served on Bind() can be
// opened at, for allowed-host lists (Next's allowedDevOrigins) that must
// agree with the bind of the dev server next to them. A loopback bind is
// reached only at names that resolve to loopback by rule (localhost and
// *.localhost, RFC 6761 §6.3), 127.0.0.1 and 10.0.2.2 (the Android
// emulator's alias for the host's 127.0.0.1); every interface adds the
// certificate's other names and IPv4 addresses. IPv6 addresses are left
// out: neither bind listens on IPv6.
func (v view) PageHosts() []string {
	var out []string
	seen := map[string]bool{}
	for _, h := range append([]string{v.Host, "localhost", "127.0.0.1"}, v.Hosts...) {
		ip := net.ParseIP(h)
		loopback := h == "localhost" || strings.HasSuffix(h, ".localhost") || h == "127.0.0.1" || h == "10.0.2.2"
		switch {
		case h == "" || seen[h]:
			continue
		case ip != nil && ip.To4() == nil:
			continue
		case !loopback && v.LANAddress == "":
			continue
		}
		seen[h] = true
		out = append(out, h)
	}
	return out
}

// Origin are the https:// origins a page of this project is opened at, for
// CORS and allowed-origin lists: the client host, localhost and the LAN
// address, on PagePort.
func (v view) Origin() []string {
	var out []string
	seen := map[string]bool{}
	for _, h := range []string{v.Host, "localhost", "127.0.0.1", v.LANAddress} {
		if h == "" || seen[h] {
			continue
		}
		seen[h] = true
		out = append(out, "https://"+hostPort(h, v.PagePort))
	}
	return out
}

// path is file in the form the target takes, or a MissingFileError.
func (v view) path(file, name string) (string, error) {
	if file == "" {
		return "", &MissingFileError{Target: v.Target.Name, File: name}
	}
	if !v.Absolute && v.Target.ProjectRelative {
		return v.relativePath(file), nil
	}
	return file, nil
}

// The certificate-set files; a template that uses one the project has no
// path for fails with a MissingFileError.

func (v view) Cert() (string, error)      { return v.path(v.CertFile, "cert.pem") }
func (v view) Key() (string, error)       { return v.path(v.KeyFile, "key.pem") }
func (v view) CA() (string, error)        { return v.path(v.CAFile, "ca.pem") }
func (v view) Fullchain() (string, error) { return v.path(v.FullchainFile, "fullchain.pem") }
func (v view) P12() (string, error)       { return v.path(v.P12File, "cert.p12") }
func (v view) CADER() (string, error)     { return v.path(v.CADERFile, "ca.der") }

// ServeURL is the https:// base of rtdev serve for the client host.
func (v view) ServeURL() string {
	return "https://" + hostPort(v.Host, v.ServePort) + v.ServePath
}

// PeerServerPort is the peerjs-server snippet's port, which the peerjs
// client snippet names as the other server it can target.
func (v view) PeerServerPort() int {
	t, _ := Lookup("peerjs-server")
	return t.DefaultPort
}

// WSURL is the wss:// URL of the target's own server for the client host.
func (v view) WSURL() string {
	return "wss://" + hostPort(v.Host, v.AppPort) + "/"
}

// HostNames are the certificate's names with IPv6 literals bracketed, for
// server_name lines and site addresses.
func (v view) HostNames() []string {
	out := make([]string, len(v.Hosts))
	for i, h := range v.Hosts {
		if strings.Contains(h, ":") {
			h = "[" + h + "]"
		}
		out[i] = h
	}
	return out
}

// ProxyNote is the sentence that offers `rtdev proxy` instead of TLS in
// the server (see the package func ProxyNote).
func (v view) ProxyNote() string {
	if v.Target.NoTLS == "" {
		return ""
	}
	return fmt.Sprintf("No change to the server instead: %s, run `rtdev proxy --to %d` and connect to wss://%s (same paths).",
		v.Target.NoTLS, v.Port(), hostPort(v.Host, project.DefaultProxyPort))
}
