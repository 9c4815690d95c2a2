//go:build race

package bench_test

// raceBuild: under `go test -race` the bench's own commands are built with
// -race too, so the load generator's concurrency is checked under real load.
const raceBuild = true
