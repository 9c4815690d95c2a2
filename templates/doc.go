// Package templates renders configuration snippets that point a tool at the
// project's rtdev certificate set: frontend dev servers (Vite, Nuxt, Next.js,
// ...), realtime clients (PeerJS, browser WebSocket, Centrifuge), servers
// (peerjs-server, Centrifugo, Python websockets, Node ws, Go, ...), reverse
// proxies (nginx, Caddy) and the environment variables runtimes read to trust
// the rtdev CA (RenderEnv).
//
// Every snippet is a text/template embedded from snippets/<target>.tmpl and
// rendered from a Data value that cmd fills from the project's real state, so
// the paths, hosts and ports in a snippet are the ones on disk. Values are
// quoted by the template functions for the target's own language (a JS, Python
// or Go string literal, a shell word, an nginx string, a .properties value),
// so a project folder whose name holds a space or a quote still yields a
// snippet that parses.
//
// Each template cites the upstream documentation or source its option names
// and version differences come from. SupportOf says what a server snippet
// runs on: the versions of its tool it is written for and what Debian 12,
// Ubuntu 22.04 and Ubuntu 24.04 ship. Detect looks at a project folder and
// says which targets apply.
//
// The package never prints and never exits; errors are wrapped, and those a
// user can fix carry a Hint with the command to run.
package templates
