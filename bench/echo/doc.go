// Command echo is the plain backend of the proxy-overhead benchmark: the
// kind of dev server `rtdev proxy` is put in front of. It listens on
// 127.0.0.1 only, with no TLS, and answers
//
//	GET  /      200, so the harness knows it is up (also through the proxy)
//	POST /echo  the request body, unchanged
//	GET  /ws    a WebSocket (gorilla/websocket, as rtdev itself uses) that
//	            sends every message back unchanged, with the same type
//
// The load generator reaches it once directly (ws://, http://) and once
// through rtdev proxy (wss://, https://), so the two runs differ only by
// the proxy and the TLS it adds.
//
//	echo --port 8000
package main
