// Package proxy runs real plain servers behind the rtdev binary's
// `rtdev proxy` and reaches them over wss:// with nothing but the project's
// rtdev CA: Debian's Python websockets echo server with its own client, a
// Node ws server from the pinned npm packages, and the Python server killed
// mid-stream, which must close the client with 1011.
//
// The package holds only tests; testdata/ has the backend and client
// scripts.
package proxy
