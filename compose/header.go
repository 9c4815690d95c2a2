package compose

import (
	"fmt"
	"strings"
)

// header is the comment at the top of the override: what it is, how it is
// used, and what this route does not do.
func header(f Files) string {
	lines := []string{
		OverrideFile + ": written by `rtdev snippet compose --write` from " + strings.Join(f.List(), " and ") + "; rerun it when services change.",
		"It holds relative paths and nothing per developer: commit it.",
		"",
		"Use it through COMPOSE_FILE (rtdev writes it into .env), which lists every file:",
		"  " + strings.Join(f.EnvLines(List{}), "  "),
		"(`docker compose -f " + f.Main + " -f " + OverrideFile + "` would drop an auto-loaded compose.override.yaml.)",
		"",
		"Every service gets the rtdev CA and the host's public roots plus the CA, read-only in " + MountDir + ",",
		"the variables that make Node, Deno, OpenSSL, Python, curl, git and Java trust them,",
		"and host.docker.internal mapped to the host (host-gateway), where `rtdev serve` listens.",
		"SSL_CERT_FILE, REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE, GIT_SSL_CAINFO and the Java truststore",
		"REPLACE the image's roots: extra roots an image added to its own store are not seen on this",
		"route. To add the rtdev CA to the image's store instead, use the devcontainer Feature",
		"(rtdev snippet devcontainer) or the entrypoint adapter (rtdev snippet container-trust).",
		"A service whose entry states its command and runs as root gets that adapter as its",
		"entrypoint: it adds the CA to the image's store, then runs the command. An image with no",
		"shell (distroless, scratch) cannot run it: delete that service's entrypoint line here,",
		"and the environment route still applies.",
		"",
		"Services that serve TLS (Centrifugo, peerjs-server, nginx, Caddy) also get the certificate",
		"and .rtdev/key.group.pem (a copy of the key readable by your group, added with group_add from",
		KeyGIDVar + " in .env), and answer other services as SERVICE." + "rtdev.internal.",
	}
	var b strings.Builder
	for _, l := range lines {
		if l == "" {
			b.WriteString("#\n")
			continue
		}
		fmt.Fprintf(&b, "# %s\n", l)
	}
	return b.String()
}
