package version

import (
	"fmt"
	"regexp"
	"runtime/debug"
	"strings"
)

// stamp is set at link time and nowhere else:
//
//	go build -ldflags "-X github.com/rtdev/rtdev/internal/version.stamp=1.2.3"
//
// The Makefile computes it with scripts/version.sh (VERSION=, else git
// describe, else 0.0.0-dev.COMMIT), so make build and make dist agree.
var stamp string

// ModulePath is what `go install` fetches.
const ModulePath = "github.com/rtdev/rtdev"

// Dev is the version of a binary that carries neither a stamp nor a module
// version (go test, go run, a go build with -buildvcs=false): valid semver,
// so it can never be mistaken for a release or break a version parser.
const Dev = "0.0.0-dev"

// readBuildInfo is replaced in tests.
var readBuildInfo = debug.ReadBuildInfo

// String is rtdev's version without a leading "v" (1.2.3, as in the release
// archive names and npm; go install takes "v" + String()).
func String() string {
	if stamp != "" {
		return strings.TrimPrefix(stamp, "v")
	}
	if m := Module(); m != "" {
		return strings.TrimPrefix(m, "v")
	}
	return Dev
}

// Module is the module version the Go toolchain recorded: v1.2.3 for
// `go install github.com/rtdev/rtdev@v1.2.3`, a pseudo-version for a build in
// a git checkout, "" when there is none ("(devel)").
func Module() string {
	bi, ok := readBuildInfo()
	if !ok || bi.Main.Version == "" || bi.Main.Version == "(devel)" {
		return ""
	}
	return bi.Main.Version
}

// semverRe is the Semantic Versioning 2.0.0 grammar (semver.org §2, §9,
// §10): numeric parts without leading zeros, dot-separated pre-release and
// build identifiers, and no leading zero in a numeric pre-release part.
var semverRe = regexp.MustCompile(`^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)` +
	`(-(0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)(\.(0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*))*)?` +
	`(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$`)

// pseudoRe matches the timestamp-and-commit part of a Go pseudo-version
// (go.dev/ref/mod#pseudo-versions: v0.0.0-20260101120000-abcdef123456,
// v1.2.4-0.20260101120000-abcdef123456, v1.2.3-pre.0.20260101120000-...).
var pseudoRe = regexp.MustCompile(`(^|[-.])[0-9]{14}-[0-9a-f]{12}(\+|$)`)

// describeRe matches what `git describe --tags` adds after the tag when
// HEAD is not the tagged commit: -<commits since>-g<hash>.
var describeRe = regexp.MustCompile(`-[0-9]+-g[0-9a-f]{4,40}(-dirty)?$`)

// Parse checks that v is a semantic version and returns it without a
// leading "v".
func Parse(v string) (string, error) {
	s := strings.TrimPrefix(v, "v")
	if !semverRe.MatchString(s) {
		return "", fmt.Errorf("version %q is not a semantic version such as 1.2.3", v)
	}
	return s, nil
}

// IsDev reports whether v is a development build rather than a release:
// not semver, a Go pseudo-version, a dirty tree (git describe's -dirty, the
// Go toolchain's +dirty), a commit after a tag (git describe), or a -dev
// version. A pre-release such as 1.2.3-rc.1 is a release.
func IsDev(v string) bool {
	s, err := Parse(v)
	if err != nil {
		return true
	}
	return pseudoRe.MatchString(s) || describeRe.MatchString(s) ||
		strings.Contains(s, "dirty") || strings.Contains(s, "-dev")
}
