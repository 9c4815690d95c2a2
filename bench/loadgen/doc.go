// Package loadgen is the benchmark's PeerJS client and its scenarios. A Peer
// does on the wire what the peerjs 1.5 client does (lib/socket.ts): it
// fetches an id from GET {path}{key}/id or uses a given one, opens
// wss://HOST{path}peerjs?key=&id=&token=&version=, waits for OPEN and sends
// {"type":"HEARTBEAT"} every 5 s. Messages carry a send timestamp, the
// sender's number and a sequence number at the start of their payload,
// which every server passes through unchanged, so the receiver measures
// relay latency and finds lost, duplicated or reordered messages.
//
// The scenarios:
//   - Relay: pairs play WebRTC negotiations (OFFER, ANSWER, trickled
//     CANDIDATEs) back to back; messages per second, latency, server CPU.
//   - Connect: N peers opened at once; connections per second, time until
//     all are open, server memory per idle connection.
//   - Churn: peers join and leave while others relay; no message to a
//     connected peer may be lost, and every message to a departed peer must
//     come back as EXPIRE.
package loadgen
