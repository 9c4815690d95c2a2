// Package run is the one way rtdev starts an external program (certutil,
// keytool, update-ca-certificates, sudo, git): every caller takes a
// [Runner], production code passes [ExecRunner], and tests pass the strict
// fake in run/runtest, which fails on any command it was not told to
// expect. Keeping one runner means one place sets the locale the callers
// parse and one fake proves which commands a code path runs (the pattern of
// the GitHub CLI's run package).
//
// The package never prints and never exits.
package run
