#!/bin/sh
# What CI meets on a new machine: a fresh clone of HEAD in a temporary
# folder, empty Go module and build caches, go.mod read-only, CI=true. A
# green `make test` here can hide a tool version that only this machine's
# module cache holds; this run cannot. Uncommitted changes are not in it.
set -eu
top=$(git rev-parse --show-toplevel)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rtdev-fresh.XXXXXX")
# The module cache is read-only by design; make it removable first.
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM
git clone -q --no-local "$top" "$tmp/rtdev"
# CI lays a copy of shared/ beside the clone.
if [ -d "$top/../shared" ]; then cp -R "$top/../shared" "$tmp/shared"; fi
cd "$tmp/rtdev"
echo "test-fresh: $(git log -1 --format='%h %s') in $tmp/rtdev"
GOMODCACHE="$tmp/gomodcache" GOCACHE="$tmp/gocache" GOFLAGS=-mod=readonly CI=true bash .ci/run
