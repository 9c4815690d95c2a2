// Package bench holds the end-to-end test of the side-by-side benchmark
// (bench_test.go): it builds the bench's commands as bench/run.sh does,
// runs every scenario once at tiny size against the three servers and
// checks the results are complete. The harness, load generator, report and
// suite are the packages below it; bench/README.md describes a real run.
package bench
