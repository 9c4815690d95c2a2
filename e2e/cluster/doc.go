// Package cluster tests rtdev serve --cluster as real processes sharing a
// real redis-server: what in-process tests cannot show, such as an
// instance killed with SIGKILL.
package cluster
