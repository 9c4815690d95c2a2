// Command devprof runs rtdev's signaling server (package devserver) the way
// `rtdev serve` does — the same Config fields, a text access log on stderr,
// the project certificate — and writes a CPU profile, and a heap profile once
// -memprofile-peers peers are connected (or at exit), so a benchmark run can
// show where the server spends its time and memory. The harness runs it as
// the server kind "rtdev-pprof":
//
//	rtdev-bench -servers rtdev-pprof -scenarios relay -keep
//	go tool pprof -top bin/rtdev-bench-devprof WORK/logs/rtdev-pprof-001.cpu.pprof
package main
