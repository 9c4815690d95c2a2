// Package testtool is what rtdev's tests share about the external programs
// they drive for real (openssl, certutil, chromium, nginx, node, ...).
//
// The rule is one for every package: in CI (CI=true) a missing program is
// a test failure — `make test` installs everything through
// scripts/test-deps.sh, so a gap there must show — and elsewhere the test
// is skipped with the reason.
package testtool
