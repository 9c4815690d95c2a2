// Command rtdev-bench runs the side-by-side benchmark: rtdev serve,
// peerjs-server and the floor server under the same PeerJS load, one at a
// time, and writes the table, the raw results and a chart. bench/run.sh
// builds what it needs and runs it; see bench/README.md.
package main
