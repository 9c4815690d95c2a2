// Package target reads the backends and route paths that rtdev proxy,
// rtdev serve --route and rtdev.toml name: a port, host:port or plain
// http:// or ws:// URL, and the path prefix a route serves.
//
// It is its own package, with only the standard library and netaddr
// beneath it, so that project (which checks what a committed rtdev.toml
// may forward to) and doctor (which writes the rtdev proxy command for a
// plain server) read targets as the proxy does without linking the proxy,
// the signaling server or their WebSocket and Redis libraries.
package target
