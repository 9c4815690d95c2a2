// Package suite runs the benchmark plan: every scenario against every
// server, one server process at a time, a fresh process for each run, with
// the runs of the servers interleaved (run 1 of each, then run 2 of each)
// so that a slow spell on the machine lands on all of them alike.
package suite
