// Package e2e holds rtdev's end-to-end tests: the rtdev binary driven as a
// user would, against real browsers (Debian's Chromium and Firefox ESR with
// no certificate flags), real trust stores in a throwaway HOME, the real
// peerjs client from npm, and the real tools the snippets configure.
//
// The tests live in subpackages (browser, snippets) that share
// internal/harness. In CI (CI=true) a missing tool fails a test; elsewhere
// it skips with the reason.
package e2e
