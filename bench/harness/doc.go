// Package harness starts and stops the servers the benchmark compares
// (rtdev serve, peerjs-server and the floor server), one at a time, on the
// same certificate, pinned to the same cores, and reads their resource use
// from /proc.
//
// Every server listens on 127.0.0.1 only; the harness never touches the
// machine's trust stores: the rtdev CA and project live in a folder the
// caller owns (RTDEV_CAROOT and HOME point into it, RTDEV_TRUST_STORES=none).
package harness
