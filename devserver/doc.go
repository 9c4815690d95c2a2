// Package devserver is a PeerJS-compatible signaling server for development:
// an http.Handler with a documented Config, run over HTTPS and WSS on one
// port by Serve, with the project certificate reloaded by
// internal/tlsserve.CertReloader.
//
// Unmodified peerjs 1.5.x clients talk to it as to peerjs-server 1.0.2: the
// same routes (GET {path}, {path}{key}/id, {path}{key}/peers), the same
// WebSocket admission order and message texts, OPEN before queued messages,
// the relay of OFFER/ANSWER/CANDIDATE/LEAVE/EXPIRE with src stamped and
// payload passed through byte for byte, HEARTBEAT and the alive timeout,
// the offline queue with EXPIRE, and CORS as the cors middleware sets it.
// Where this server differs, the code says why: OPEN on a same-token
// reattach (peers/peerjs-server#462), the optional id takeover
// (AllowOverride, peers/peerjs#1203), and limits that upstream lacks
// (message size, send and offline queue bounds, one byte budget for all
// queued messages, message and byte rate limits, id/token length and text
// only, read and write timeouts). It also answers plain HTTP on its TLS
// port with the https:// URL to use, or, with Config.PlainHTTP, hands it
// to a second http.Server that serves a few public paths (the phone setup
// page, which must load before the phone trusts the CA, and only under
// this server's own names and addresses) and refuses the rest. Handlers
// and logs learn the client from ClientAddr and ClientHost, which believe
// X-Forwarded-For and X-Forwarded-Host only on a request carrying
// Config.ForwardToken (the Vite plugin's proxy).
//
// # Several instances
//
// With Config.ClusterURL the Server is one instance of a realm shared
// through Redis (package cluster, which reaches the realm only through its
// local API, broker_cluster.go; the single server's decisions go through
// the same small broker interface, broker.go, whose memory implementation
// hands them back to the realm). An id is a claim with an expiry in Redis,
// messages for a peer on another instance go to that instance's pub/sub
// channel in a versioned binary envelope, and a message
// for an id connected nowhere waits on the sender's instance until the id
// connects anywhere. The relay path consults the broker only for a
// destination that is not connected here.
//
// # WebSocket library
//
// gorilla/websocket, chosen by BenchmarkWSLib* (bench/wslib): a
// 4 KiB text message relayed A -> server -> B over TLS on loopback, each
// side using the library under test, Go 1.26, 2 shared cores, -count 3:
//
//	gorilla/websocket v1.5.3   39-42 µs/op  ~100 MB/s  20.9 KB/op  25 allocs/op
//	coder/websocket   v1.8.15  53-67 µs/op  62-77 MB/s  22.2 KB/op  56 allocs/op
//
// gorilla also fits the protocol: one reader and one writer goroutine per
// connection with WriteControl safe alongside them, a bare (code-less)
// close frame as upstream sends, and SetReadLimit answering 1009 itself.
// It does not check UTF-8 in text frames, so the read loop does (1007).
//
// # Concurrency
//
// Each connection has a read loop, in a goroutine of its own once the
// upgrade is done (the HTTP handler returns, freeing what net/http held for
// it), and a write goroutine that alone writes data frames and runs only
// while the connection's bounded send queue has frames (writer.go). The
// realm (ids and offline queues) has one mutex, never held across socket
// I/O: senders hand messages over without blocking, and a peer whose queue
// is full is evicted. Every queued frame is charged to one server-wide byte
// budget, an atomic counter with no lock of its own (budget.go). Timers, not polling goroutines, expire offline queues
// and check heartbeats, so a Server used only as an http.Handler leaks
// nothing.
//
// # Performance
//
// Measured by bench/ (rtdev serve against peerjs-server and a bare gorilla
// relay) and by BenchmarkDecode and BenchmarkIdlePeers here. Inbound frames
// are validated and split in one pass (jsonscan.go) that keeps the payload
// as a slice of the frame. Measured with make bench on 2026-12-07 (make
// bench-decoder: the relay on 2 cores, median of 3 rounds, the builds
// interleaved), the relay gets 41% more messages/s and spends 31% less
// server CPU per message with it than built with -tags rtdev_stdjson, whose
// decoder is encoding/json into a struct with json.RawMessage plus
// utf8.Valid (decode_stdjson.go); the load generator's core was saturated
// with the scanner, so its messages/s is a floor. Frames are read and
// encoded into pooled buffers (bufpool.go); an idle
// peer holds one goroutine, gorilla's 512-byte read buffer and crypto/tls's
// state, about 9 KiB of heap (26 KiB before).
package devserver
