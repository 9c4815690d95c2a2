// Package cli tests the real rtdev binary the way a user starts it, where
// that matters to what it prints: run by a path after make run, with no
// rtdev on PATH.
package cli
