// Package version is rtdev's one source of truth for its own version: the
// string `make dist` and `make build` stamp into the binary, else the module
// version `go install` records, and the rule for what counts as a
// development build (which may not pin an onboarding script).
package version
