package compose

import (
	"strings"
)

// Kind is what rtdev knows a service's image to be. Only these serve TLS
// through the override; every other service gets the trust settings alone.
type Kind string

const (
	KindOther        Kind = ""
	KindCentrifugo   Kind = "centrifugo"
	KindPeerJSServer Kind = "peerjs-server"
	KindNginx        Kind = "nginx"
	KindCaddy        Kind = "caddy"
)

// ServesTLS reports whether rtdev gives the service the certificate and key.
func (k Kind) ServesTLS() bool { return k != KindOther }

// imageKind classifies an image reference by the last part of its
// repository path (centrifugo/centrifugo:v6, docker.io/peerjs/peerjs-server,
// nginxinc/nginx-unprivileged, caddy:2-alpine), and returns its tag.
func imageKind(image string) (Kind, string) {
	ref, _, _ := strings.Cut(image, "@")
	tag := ""
	name := ref
	if i := strings.LastIndex(ref, ":"); i > strings.LastIndex(ref, "/") {
		name, tag = ref[:i], ref[i+1:]
	}
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	switch name = strings.ToLower(name); {
	case name == "centrifugo":
		return KindCentrifugo, tag
	case name == "peerjs-server":
		return KindPeerJSServer, tag
	case name == "nginx" || strings.HasPrefix(name, "nginx-"):
		return KindNginx, tag
	case name == "caddy":
		return KindCaddy, tag
	}
	return KindOther, tag
}

// centrifugoV5 reports a Centrifugo tag before v6, whose TLS settings had
// other names (flat tls, tls_cert, tls_key).
func centrifugoV5(tag string) bool {
	t := strings.TrimPrefix(tag, "v")
	return t != "" && t[0] >= '0' && t[0] <= '5' && (len(t) == 1 || t[1] == '.' || t[1] == '-')
}
