// Package snippets checks `rtdev snippet` output by running the tools it
// configures on this machine, in a throwaway HOME where the CA is trusted
// only through NSS: a Vite dev server started with the rendered
// vite.config.js serves a page (and its HMR WebSocket) that headless
// Chromium loads with no certificate flag, and a page where the rendered
// peerjs snippet opens to `rtdev serve` and, after destroy(), opens no other
// socket; from a page at 127.0.0.1 instead of localhost, the peerjs and
// websocket snippets connect to the page's own host and work there; the
// committed Nuxt 4, Nuxt 3 and Next apps in e2e/testdata run with their
// rendered config (project-relative paths) and the peerjs snippet, and
// their pages load trusted and get PeerJS OPEN; a Node ws client trusts
// `rtdev serve` through nothing but the NODE_EXTRA_CA_CERTS that `rtdev env`
// names; the rendered Python websockets client gets the PeerJS OPEN message,
// and the rendered Python websockets server, run with Debian's
// python3-websockets, echoes over wss:// to a client trusting only the CA;
// peerjs-server (npm peer) run from the rendered command line serves /id
// over HTTPS that curl accepts with the project CA, and run without TLS it
// is what rtdev doctor names for an https:// page, with a fix (rtdev proxy
// --to PORT) that works when run as printed; and nginx with the
// rendered server block carries a wss:// client through to a plain ws://
// backend. Each positive check has a control where it matters: without the
// trust the snippet or `rtdev env` gives, the same client refuses the
// certificate.
//
// The package holds only tests; testdata/ has the Vite pages and the ws
// client script. Nuxt and Next compile on first request, so their waits
// are generous bounds, and each dev server starts once per test.
package snippets
