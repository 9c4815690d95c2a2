// Package wslib holds the benchmarks that chose rtdev serve's WebSocket
// library: a 4 KiB text message relayed A -> server -> B over TLS on
// loopback, each side using the library under test (gorilla/websocket,
// coder/websocket). devserver's doc comment records the numbers. They live
// in the bench module so that the product module does not require a
// library it does not use.
//
//	cd bench && go test -run XXX -bench WSLib -benchtime 3s ./wslib
package wslib
