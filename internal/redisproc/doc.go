// Package redisproc runs a throwaway redis-server on a loopback port for
// the cluster tests and the benchmark: no persistence, its files in a
// folder of the caller's, never the machine's Redis service.
package redisproc
