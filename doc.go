// Command rtdev is "mkcert for realtime apps": a local CA, a project
// certificate set, trust in the OS and browser stores, a PeerJS-compatible
// signaling server over HTTPS/WSS, and config snippets for the tools around it.
package main
