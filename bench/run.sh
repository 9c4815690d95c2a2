#!/bin/sh
# Runs the side-by-side benchmark (`make bench`): builds rtdev, the floor
# server and the load generator, installs the pinned peerjs-server, and runs
# every scenario against each server in turn (about 11 minutes on 2 cores).
# The table goes to stdout; results.json, table.txt, table.md and chart.svg
# go to bench/results/. Extra arguments go to rtdev-bench, for example:
#   bench/run.sh -preset tiny
#   bench/run.sh -preset decoder      # rtdev vs rtdev-stdjson relay only (make bench-decoder)
#   bench/run.sh -servers rtdev,floor -scenarios relay -runs 1
set -eu
cd "$(dirname "$0")/.."
GO=${GO:-go}

mkdir -p bin
$GO build -o bin/rtdev .
# The same rtdev with encoding/json as its frame decoder (rtdev-stdjson):
# the full run and -preset decoder measure the relay on both.
$GO build -tags rtdev_stdjson -o bin/rtdev-stdjson .
# bench/ is a module of its own (bench/go.mod): its commands build there.
(cd bench && $GO build -o ../bin/rtdev-bench ./cmd/rtdev-bench &&
	$GO build -o ../bin/rtdev-bench-floor ./floor &&
	$GO build -o ../bin/rtdev-bench-devprof ./devprof)

# -preset decoder needs neither node nor peerjs-server, and writes to
# bench/results/decoder/ so that it leaves the full run's files alone.
out=bench/results
case " $* " in
*" -preset decoder "* | *" -preset=decoder "*)
	out=bench/results/decoder
	exec bin/rtdev-bench -rtdev bin/rtdev -rtdev-stdjson bin/rtdev-stdjson -out "$out" "$@"
	;;
esac

if ! command -v node >/dev/null 2>&1; then
	echo "bench: node is missing: run scripts/test-deps.sh" >&2
	exit 1
fi
if [ ! -f bench/peerjs-server/node_modules/peer/package.json ]; then
	(cd bench/peerjs-server && npm ci --no-audit --no-fund --loglevel=error)
fi

# --- Proxy overhead ---
# After the suite, the same echo load straight to a plain backend
# (bench/echo) and through `rtdev proxy` in front of it, as ratios; about
# 3 more minutes; proxy.json, proxy.txt and proxy.md go to bench/results/.
# `bench/run.sh -scenarios proxy` runs only this part, -proxy=false skips it.
(cd bench && $GO build -o ../bin/rtdev-bench-echo ./echo)
set -- -proxy -echo bin/rtdev-bench-echo "$@"
# --- end of proxy overhead ---

exec bin/rtdev-bench -rtdev bin/rtdev -rtdev-stdjson bin/rtdev-stdjson -floor bin/rtdev-bench-floor \
	-devprof bin/rtdev-bench-devprof -peerjs-dir bench/peerjs-server -out "$out" "$@"
