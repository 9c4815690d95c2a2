// Package doctor names what is wrong with a project's TLS and WebSocket set-up
// in one sentence per problem, each with the command or snippet that fixes it.
//
// CheckLocal looks at the files and the machine without touching the network:
// the CA (present, key private, not expired), whether each trust store trusts
// it, whether each Flatpak Chromium or Chrome keeps an NSS database, the project certificate (present, key matches, chains to the CA, dates,
// names covering rtdev.toml and the current LAN addresses), git hygiene (.rtdev/
// ignored, no private key tracked) and the variables runtimes read to trust the
// CA (NODE_EXTRA_CA_CERTS and friends).
//
// Probe connects to one live endpoint (https://, wss://, http://, ws:// or a
// bare host:port) and reports, in order, what a browser or client would hit:
// the TCP connection, a plain-HTTP server on a TLS URL (ERR_SSL_PROTOCOL_ERROR)
// or a TLS server on a plain URL ("first record does not look like a TLS
// handshake"), the certificate presented (authority, names, dates, chain,
// key), the negotiated TLS version, cipher and ALPN, the WebSocket upgrade,
// the PeerJS id fetch and OPEN, and CORS for an origin (and, for an https://
// origin on a plain endpoint, the mixed-content failure). Given a page origin
// on a less private address than the URL (a page from a LAN address opening
// localhost), it first names the Local Network Access prompt Chrome holds
// such a request at, and the host to use instead. A certificate's fix is the
// one that changes the outcome: serving the project's files when the server
// presents another certificate and the project's covers the host, sending
// the full chain when the intermediate is missing; a chain from a CA that is
// not rtdev's is judged by the stores browsers read as well as by the system
// roots.
//
// Both return []Finding. A Finding has a stable kebab-case ID (the ID*
// constants; the README's "rtdev doctor --json" section documents them and
// the JSON form of Report), a Severity, the file, store or URL it is about, a
// one-sentence message and, when one exists, the fix. Everything is judged from what the package observes,
// never inferred from what rtdev wrote.
//
// The package never prints and never exits. It starts no external command
// (design: only the trust package does): trust status and git come in through
// LocalOptions.Trust and LocalOptions.Git, and the browsers' trusted CAs
// through ProbeOptions.StoreRoots, which cmd fills.
package doctor
