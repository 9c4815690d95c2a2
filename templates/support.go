package templates

// Support says what a server snippet runs on: the versions of its tool it
// is written for, and what the three distributions developers most often
// start from ship of that tool (or of the runtime it needs). `rtdev snippet
// --list` shows it, so a developer on an older release learns before
// running the snippet that it needs a newer package.
type Support struct {
	Versions string // the tool and the versions the snippet works with
	// What each release ships, with "too old" where it is below Versions,
	// or notPackaged.
	Debian12, Ubuntu2204, Ubuntu2404 string
}

// notPackaged: the release has no package of the tool; it comes from the
// tool's own installer or registry (npm, Composer, PyPI, a release binary).
const notPackaged = "not packaged"

// support is the one home of these facts, looked up for each target:
//
//   - Debian 12 (bookworm): this machine's apt-cache (`apt-cache policy`),
//     and packages.debian.org: python3-websockets 10.4-1, node-ws
//     8.11.0+~cs13.7.3-1, nodejs 18.20.4+dfsg-1~deb12u2, golang-go 2:1.19~1
//     (golang-1.19 1.19.8-2), php 8.2 (php-defaults 93). No package for
//     peer, socket.io (only node-socket.io-parser), Centrifugo, Ratchet or
//     react/socket (only php-react-promise), Deno, Bun, Spring Boot, or .NET.
//   - Ubuntu 22.04 (jammy) and 24.04 (noble), packages.ubuntu.com:
//     python3-websockets 9.1-1 and 10.4-1; node-ws 8.5.0+~cs13.3.3-2 and
//     8.11.0+~cs13.7.3-2; nodejs 12.22.9~dfsg-1ubuntu3 and
//     18.19.1+dfsg-6ubuntu5; golang-go 2:1.18~0ubuntu2 and 2:1.22~2build1;
//     php-defaults 92ubuntu1 (PHP 8.1) and 93ubuntu2 (PHP 8.3); dotnet8
//     (8.0.1xx SDK) in both. The tools Debian does not package were not
//     found on packages.ubuntu.com either.
//
// The ranges come from the snippets and their tools: python-websockets
// needs a one-argument handler and serve_forever, both from websockets 10.1
// (its changelog), and runs here with Debian 12's 10.4 (e2e/snippets), the
// websockets.asyncio path of 13+ is checked with py_compile; npm peer 1.0.2
// declares engines node >= 14; the Node snippets are ES modules importing
// node: built-ins (Node 12.20+); Ratchet's TLS socket is react/socket's
// SocketServer (1.9+) on react/event-loop's Loop (1.2+); Centrifugo v6's
// http_server.tls keys are there since v6.0.0; Deno.serve is stable from
// Deno 1.35.
var support = map[string]Support{
	"python-websockets": {
		Versions: "websockets 10.1+ (either asyncio implementation)",
		Debian12: "python3-websockets 10.4", Ubuntu2204: "python3-websockets 9.1, too old: pip install", Ubuntu2404: "python3-websockets 10.4",
	},
	"node-ws": {
		Versions: "ws 8+ on Node 12.20+",
		Debian12: "node-ws 8.11, nodejs 18.20", Ubuntu2204: "node-ws 8.5, nodejs 12.22", Ubuntu2404: "node-ws 8.11, nodejs 18.19",
	},
	"socketio": {
		Versions: "socket.io 4 (npm) on Node 12.20+",
		Debian12: "nodejs 18.20, socket.io " + notPackaged, Ubuntu2204: "nodejs 12.22, socket.io " + notPackaged, Ubuntu2404: "nodejs 18.19, socket.io " + notPackaged,
	},
	"peerjs-server": {
		Versions: "peer 1.0 (npm) on Node 14+",
		Debian12: "nodejs 18.20, peer " + notPackaged, Ubuntu2204: "nodejs 12.22, too old for peer", Ubuntu2404: "nodejs 18.19, peer " + notPackaged,
	},
	"centrifugo-v5": {Versions: "Centrifugo 5.x", Debian12: notPackaged, Ubuntu2204: notPackaged, Ubuntu2404: notPackaged},
	"centrifugo-v6": {Versions: "Centrifugo 6.0+", Debian12: notPackaged, Ubuntu2204: notPackaged, Ubuntu2404: notPackaged},
	"ratchet": {
		Versions: "Ratchet 0.4 on react/socket 1.9+ (Composer)",
		Debian12: "php 8.2, Ratchet " + notPackaged, Ubuntu2204: "php 8.1, Ratchet " + notPackaged, Ubuntu2404: "php 8.3, Ratchet " + notPackaged,
	},
	"go": {
		Versions: "any Go 1 release (net/http)",
		Debian12: "golang-go 1.19", Ubuntu2204: "golang-go 1.18", Ubuntu2404: "golang-go 1.22",
	},
	"deno":        {Versions: "Deno 1.35+ (Deno.serve)", Debian12: notPackaged, Ubuntu2204: notPackaged, Ubuntu2404: notPackaged},
	"bun":         {Versions: "Bun 1.0+ (Bun.serve tls)", Debian12: notPackaged, Ubuntu2204: notPackaged, Ubuntu2404: notPackaged},
	"spring-boot": {Versions: "Spring Boot 2.x, 3.x (server.ssl.key-store)", Debian12: notPackaged, Ubuntu2204: notPackaged, Ubuntu2404: notPackaged},
	"kestrel": {
		Versions: "ASP.NET Core (Kestrel Endpoints config)",
		Debian12: notPackaged, Ubuntu2204: "dotnet8 8.0", Ubuntu2404: "dotnet8 8.0",
	},
}

// SupportOf returns what the server snippet for the target called name (or
// one of its aliases) runs on; ok is false for other targets.
func SupportOf(name string) (s Support, ok bool) {
	t, found := Lookup(name)
	if !found {
		return Support{}, false
	}
	s, ok = support[t.Name]
	return s, ok
}
