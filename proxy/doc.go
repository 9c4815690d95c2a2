// Package proxy is the TLS-terminating reverse proxy behind `rtdev proxy`:
// it puts the project certificate in front of a plain dev server, so a
// page opened over https:// can reach a backend that only speaks http://
// and ws:// without changing the backend.
//
// HTTP goes through net/http/httputil.ReverseProxy, with X-Forwarded-For,
// X-Real-IP, X-Forwarded-Proto and X-Forwarded-Host set (never taken from
// the client), Origin passed unchanged (the backend's own origin check
// still sees the page's origin) and streaming responses (SSE, chunked)
// flushed as they arrive. A WebSocket handshake carries the same headers,
// less those the client's Connection header names. Any web page can reach
// the proxy, so a request body must keep a minimum rate and arrive within
// a total time, and a response that stops moving is cut, except an event
// stream (Config says how long).
//
// A WebSocket upgrade is not tunnelled as bytes: the proxy holds a
// WebSocket connection to each side, so it can bound message sizes,
// notice a dead peer and send the other side a close code that says what
// happened (1011 when the backend drops the connection). Messages pass
// unchanged in content and type; only their fragmentation into frames may
// differ, which RFC 6455 section 5.4 allows an intermediary. An Upgrade to
// any other protocol is refused with 501, since it could only be spliced
// as raw bytes, past those bounds.
//
// A Server is configured by a documented Config and logs one access line
// per request and per WebSocket to an injected *slog.Logger. It never
// prints or exits; the command in cmd/proxy.go does both.
package proxy
