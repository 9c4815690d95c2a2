package templates

import (
	"path/filepath"
	"sort"
	"strings"

	"github.com/rtdev/rtdev/internal/closest"
)

// Kinds of target.
const (
	KindFrontend = "frontend"
	KindClient   = "client"
	KindServer   = "server"
	KindProxy    = "proxy"
	KindRuntime  = "runtime"
)

// Target is one tool a snippet configures.
type Target struct {
	Name        string
	Description string // one line
	File        string // where the snippet belongs, e.g. "vite.config.js", `package.json "dev" script`
	// FileName is what `rtdev init` and `snippet --write` save the snippet
	// as, with the name and extension its tool reads, so the file can be
	// copied into place or opened by that tool as it is.
	FileName string
	// Script names the package.json script the snippet is. Its template
	// renders the one command line, and Render returns a package.json
	// holding only that script, to merge into the project's: a script is
	// one line, with no room for comments or continuations.
	Script      string
	Kind        string // frontend | client | server | proxy | runtime
	Lang        string // js | ts | json | jsonc | dotenv | py | php | go | sh | nginx | caddy | dart | java-properties | xml
	RequiresRSA bool   // the tool refuses an ECDSA key
	Aliases     []string
	DefaultPort int // the tool's usual port, for Data.AppPort

	// NoTLS says how to run the tool without TLS ("call serve() without
	// ssl="), for a server that `rtdev proxy` can front unchanged; the
	// snippet then names the proxy as the no-change alternative.
	NoTLS string

	// ProjectRelative: the tool resolves relative paths from the project
	// root (its working directory when run by a package.json script), so
	// its paths are project-relative unless Data.Absolute.
	ProjectRelative bool

	// BehindServe: the template has a Data.BehindServe form (a dev server
	// with HMR, served plain behind rtdev serve --route).
	BehindServe bool
}

// registry lists every target; the template is snippets/<Name>.tmpl, which
// cites the upstream sources for each choice.
var registry = []Target{
	// Frontend dev servers.
	{Name: "vite", Description: "Vite dev server over HTTPS (also SvelteKit, React Router, Remix on Vite)", File: "vite.config.js", FileName: "vite.config.js", Kind: KindFrontend, Lang: "js", DefaultPort: 5173, ProjectRelative: true, Aliases: []string{"sveltekit", "react-router", "remix"}, BehindServe: true},
	{Name: "astro", Description: "Astro dev server over HTTPS (Vite's server.https under the vite key)", File: "astro.config.mjs", FileName: "astro.config.mjs", Kind: KindFrontend, Lang: "js", DefaultPort: 4321, ProjectRelative: true, BehindServe: true},
	{Name: "nuxt", Description: "Nuxt 3/4 dev server over HTTPS from nuxt.config", File: "nuxt.config.ts", FileName: "nuxt.config.ts", Kind: KindFrontend, Lang: "ts", DefaultPort: 3000, ProjectRelative: true, BehindServe: true},
	{Name: "nuxt-cli", Description: "nuxi dev with --https.cert/--https.key", File: `package.json "dev" script`, FileName: "package.json", Script: "dev", Kind: KindFrontend, Lang: "json", DefaultPort: 3000, ProjectRelative: true, Aliases: []string{"nuxi"}},
	{Name: "next", Description: "next dev with --experimental-https and the rtdev key, cert and CA (next-config lists its hosts)", File: `package.json "dev" script`, FileName: "package.json", Script: "dev", Kind: KindFrontend, Lang: "json", DefaultPort: 3000, ProjectRelative: true, Aliases: []string{"nextjs"}},
	{Name: "next-config", Description: "Next.js allowedDevOrigins so LAN and 127.0.0.1 pages can load dev assets", File: "next.config.mjs", FileName: "next.config.mjs", Kind: KindFrontend, Lang: "js", DefaultPort: 3000},
	{Name: "cra", Description: "Create React App over HTTPS (needs an RSA key)", File: ".env", FileName: ".env", Kind: KindFrontend, Lang: "dotenv", DefaultPort: 3000, ProjectRelative: true, RequiresRSA: true, Aliases: []string{"create-react-app", "react-scripts"}},
	{Name: "webpack", Description: "webpack-dev-server 4.4+/5/6 over HTTPS (server.type https)", File: "webpack.config.js", FileName: "webpack.config.js", Kind: KindFrontend, Lang: "js", DefaultPort: 8080, ProjectRelative: true, Aliases: []string{"webpack-dev-server"}},
	{Name: "angular", Description: "Angular dev-server over HTTPS (ssl, sslCert, sslKey)", File: "angular.json", FileName: "angular.json", Kind: KindFrontend, Lang: "jsonc", DefaultPort: 4200, ProjectRelative: true},

	// Clients.
	{Name: "peerjs", Description: "PeerJS client options matching rtdev serve, with the id-override listener", File: "browser-only code (onMounted, a .client plugin, useEffect)", FileName: "peer.js", Kind: KindClient, Lang: "js", Aliases: []string{"peerjs-client"}},
	{Name: "websocket", Description: "browser WebSocket over wss:// to a server of your own", File: "browser-only code (onMounted, useEffect)", FileName: "socket.js", Kind: KindClient, Lang: "js", DefaultPort: 8443, Aliases: []string{"browser", "wss"}},
	{Name: "centrifuge-js", Description: "centrifuge-js client for a Centrifugo server over wss://", File: "your client code", FileName: "centrifuge-client.js", Kind: KindClient, Lang: "js", DefaultPort: 8000, Aliases: []string{"centrifuge"}},
	{Name: "centrifuge-dart", Description: "centrifuge-dart client trusting the rtdev CA through SecurityContext", File: "lib/realtime.dart", FileName: "realtime.dart", Kind: KindClient, Lang: "dart", DefaultPort: 8000, Aliases: []string{"dart", "flutter"}},
	{Name: "python-websockets-client", Description: "Python websockets client trusting the rtdev CA", File: "client.py", FileName: "client.py", Kind: KindClient, Lang: "py", DefaultPort: 8765},

	// Servers.
	// peerjs-server gets a port of its own: peer's default, 9000, is rtdev
	// serve's, and the two would take each other's place.
	{Name: "peerjs-server", Description: "peerjs-server (npm peer) CLI over HTTPS, on its own port beside rtdev serve", File: `package.json "peer" script`, FileName: "package.json", Script: "peer", Kind: KindServer, Lang: "json", DefaultPort: 9500, ProjectRelative: true, Aliases: []string{"peer"}},
	{Name: "centrifugo-v5", Description: "Centrifugo v5 config with TLS (flat tls_cert/tls_key keys)", File: "config.json", FileName: "config.json", Kind: KindServer, Lang: "json", DefaultPort: 8000, NoTLS: "leave tls, tls_cert and tls_key out of config.json"},
	{Name: "centrifugo-v6", Description: "Centrifugo v6 config with TLS (http_server.tls)", File: "config.json", FileName: "config.json", Kind: KindServer, Lang: "json", DefaultPort: 8000, Aliases: []string{"centrifugo"}, NoTLS: "leave http_server.tls out of config.json"},
	{Name: "python-websockets", Description: "Python websockets server over TLS (asyncio, either implementation)", File: "server.py", FileName: "server.py", Kind: KindServer, Lang: "py", DefaultPort: 8765, Aliases: []string{"websockets", "python"}, NoTLS: "call serve() without ssl="},
	{Name: "ratchet", Description: "Ratchet WebSocket server on a ReactPHP TLS socket", File: "server.php", FileName: "server.php", Kind: KindServer, Lang: "php", DefaultPort: 8080, Aliases: []string{"reactphp", "php"}, NoTLS: "keep IoServer::factory() on plain TCP"},
	{Name: "node-ws", Description: "Node https server with a ws WebSocketServer", File: "server.mjs", FileName: "server.mjs", Kind: KindServer, Lang: "js", DefaultPort: 8443, Aliases: []string{"ws", "node"}},
	{Name: "socketio", Description: "Socket.IO 4 server on Node https", File: "server.mjs", FileName: "server.mjs", Kind: KindServer, Lang: "js", DefaultPort: 3000, Aliases: []string{"socket.io"}},
	{Name: "go", Description: "Go net/http server with ListenAndServeTLS", File: "main.go", FileName: "main.go", Kind: KindServer, Lang: "go", DefaultPort: 8443, Aliases: []string{"golang", "net/http"}},
	{Name: "deno", Description: "Deno.serve over TLS, with WebSocket upgrade", File: "main.ts", FileName: "main.ts", Kind: KindServer, Lang: "ts", DefaultPort: 8443},
	{Name: "bun", Description: "Bun.serve over TLS, with WebSocket upgrade", File: "server.ts", FileName: "server.ts", Kind: KindServer, Lang: "ts", DefaultPort: 3000},
	{Name: "spring-boot", Description: "Spring Boot HTTPS from the PKCS#12 bundle", File: "src/main/resources/application.properties", FileName: "application.properties", Kind: KindServer, Lang: "java-properties", DefaultPort: 8443, Aliases: []string{"spring"}},
	{Name: "kestrel", Description: "ASP.NET Core Kestrel HTTPS endpoint from the PKCS#12 bundle", File: "appsettings.Development.json", FileName: "appsettings.Development.json", Kind: KindServer, Lang: "jsonc", DefaultPort: 5001, Aliases: []string{"aspnetcore", "dotnet"}},

	// Proxies.
	{Name: "nginx", Description: "nginx TLS proxy with WebSocket upgrade headers and a long read timeout", File: "/etc/nginx/conf.d/rtdev.conf", FileName: "rtdev.conf", Kind: KindProxy, Lang: "nginx", DefaultPort: 8443},
	{Name: "caddy", Description: "Caddy 2 TLS proxy with the rtdev certificate", File: "Caddyfile", FileName: "Caddyfile", Kind: KindProxy, Lang: "caddy", DefaultPort: 8443},

	// Phone apps (phone.go).
	{Name: "android", Description: "Android debug builds that trust the rtdev CA installed on the phone (network security config)", File: "res/xml/network_security_config.xml", FileName: "network_security_config.xml", Kind: KindClient, Lang: "xml", Aliases: []string{"network-security-config"}},
	{Name: "ios", Description: "what an iOS app needs to trust rtdev: nothing on a device, the CA in the Simulator", File: "a shell on your Mac", FileName: "ios-simulator.sh", Kind: KindClient, Lang: "sh", Aliases: []string{"iphone", "xcode"}},

	// Runtimes.
	{Name: "env", Description: "environment so Node, Deno, Python, curl, OpenSSL and Java trust the rtdev CA", File: ".envrc or your shell profile", FileName: ".envrc", Kind: KindRuntime, Lang: "sh"},
}

// Targets returns every target, sorted by name.
func Targets() []Target {
	out := make([]Target, len(registry))
	copy(out, registry)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Lookup finds a target by name or alias, ignoring case.
func Lookup(name string) (Target, bool) {
	name = strings.ToLower(strings.TrimSpace(name))
	for _, t := range registry {
		if t.Name == name {
			return t, true
		}
	}
	for _, t := range registry {
		for _, a := range t.Aliases {
			if a == name {
				return t, true
			}
		}
	}
	return Target{}, false
}

// Closest returns up to n target names nearest to name, over names and
// aliases, for "unknown target" messages.
func Closest(name string, n int) []string {
	cands := make([]closest.Candidate, len(registry))
	for i, t := range registry {
		cands[i] = closest.Candidate{Name: t.Name, Aliases: t.Aliases}
	}
	return closest.Find(name, n, cands)
}

// SnippetPath is where init and `snippet --write` save t's snippet under
// the project's snippets folder: TARGET/FileName, so each file keeps the
// name its tool reads (two targets may share one, such as package.json).
func (t Target) SnippetPath(snippetsDir string) string {
	return filepath.Join(snippetsDir, t.Name, t.FileName)
}
