// Command floor is the benchmark's floor server: the least a PeerJS-style
// relay can do on this machine. It speaks TLS and WebSocket with the same
// library as rtdev serve (gorilla/websocket), answers GET / and GET /KEY/id,
// sends OPEN on connect, and forwards every inbound frame unchanged to the
// connection named by its "dst" field, with no validation, no queue for
// offline peers, no limits and no heartbeat check. rtdev's relay throughput
// divided by the floor's says how much of this machine's limit the real
// server's work costs.
//
// It is not a PeerJS server: messages to an offline peer are dropped (no
// EXPIRE), ids are not checked, and src is not stamped.
//
//	floor --port 9000 --cert cert.pem --key key.pem
package main
