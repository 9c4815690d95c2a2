#!/bin/sh
# Prints the version make build and make dist stamp into rtdev, the one
# place it is decided:
#   1. $VERSION when given (make dist VERSION=1.2.3), a leading v dropped;
#   2. else git describe --tags: 1.2.3 on a tagged commit, 1.2.3-4-gHASH
#      after it, -dirty with uncommitted changes (both development builds);
#   3. else 0.0.0-dev.COMMIT (.dirty), which is valid semver, so npm takes it;
#   4. else, outside git, 0.0.0-dev.
set -eu
cd "$(dirname "$0")/.."
if [ -n "${VERSION:-}" ]; then
	echo "${VERSION#v}"
	exit 0
fi
if d=$(git describe --tags --dirty --match 'v[0-9]*' 2>/dev/null); then
	echo "${d#v}"
	exit 0
fi
if c=$(git rev-parse --short=12 HEAD 2>/dev/null); then
	# An all-digit hash with a leading zero is not a valid semver
	# identifier; a letter in front keeps it one.
	case $c in *[a-f]*) ;; *) c="g$c" ;; esac
	dirty=""
	git diff --quiet HEAD -- 2>/dev/null || dirty=".dirty"
	echo "0.0.0-dev.$c$dirty"
	exit 0
fi
echo "0.0.0-dev"
