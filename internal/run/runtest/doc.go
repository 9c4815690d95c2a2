// Package runtest is the strict fake [run.Runner] for unit tests: it fails
// the test on any command it was not told to expect, on a command in the
// wrong order, and on expected commands that never ran, so a test states
// exactly which external commands a code path runs (the GitHub CLI's
// run.Stub does the same).
package runtest
