#!/bin/sh
# Installs what rtdev's test suite drives for real: certutil (libnss3-tools),
# Chromium and Firefox ESR, OpenSSL, nginx, Caddy, shellcheck, dash, fish, PHP,
# Python's websockets, a JDK's keytool, iproute2 (the phone test's network
# namespaces), zbarimg (it decodes the QR codes), redis-server (the cluster
# tests start their own on a loopback port; it is never run as a service),
# and the npm packages pinned in e2e/ (with the Nuxt, Next and Vite 5 test
# apps) and bench/. It only installs what is missing, so it is cheap to run
# before every `make test`.
#
# The container tests run services in a Debian rootfs made by debootstrap,
# built once per machine into a cache folder outside the clone and reused
# (see rootfs below). `test-deps.sh rootfs-path` prints its path and builds
# nothing; the tests find it that way.
set -eu

# The container tests' rootfs: what a compose service of the realtime
# stack has (Node's ws, Python websockets, curl, OpenSSL, the Debian roots).
rootfs_suite=bookworm
rootfs_packages=ca-certificates,curl,openssl,nodejs,node-ws,python3-websockets
rootfs_mirror=http://deb.debian.org/debian
rootfs_path() {
	hash=$(printf '%s %s\n' "$rootfs_suite" "$rootfs_packages" | sha256sum | cut -c1-16)
	echo "${XDG_CACHE_HOME:-$HOME/.cache}/rtdev-test/rootfs-$hash"
}
if [ "${1:-}" = rootfs-path ]; then
	rootfs_path
	exit 0
fi

need_apt=""
have() { command -v "$1" >/dev/null 2>&1; }

have certutil   || need_apt="$need_apt libnss3-tools"
have chromium   || need_apt="$need_apt chromium"
have firefox-esr || need_apt="$need_apt firefox-esr"
have openssl    || need_apt="$need_apt openssl"
have nginx      || [ -x /usr/sbin/nginx ] || need_apt="$need_apt nginx-light"
have shellcheck || need_apt="$need_apt shellcheck"
# The onboarding script runs under dash on a bare PATH; script(1) gives it
# a terminal; make dist is run twice by the reproducibility test.
have dash       || need_apt="$need_apt dash"
have script     || need_apt="$need_apt bsdutils"
have make       || need_apt="$need_apt make"
have sha256sum  || need_apt="$need_apt coreutils"
have gzip       || need_apt="$need_apt gzip"
have tar        || need_apt="$need_apt tar"
have keytool    || need_apt="$need_apt openjdk-17-jdk-headless"
have node       || need_apt="$need_apt nodejs"
have npm        || need_apt="$need_apt npm"
have curl       || need_apt="$need_apt curl"
have wget       || need_apt="$need_apt wget"
have git        || need_apt="$need_apt git"
have caddy      || need_apt="$need_apt caddy"
have redis-server || [ -x /usr/bin/redis-server ] || need_apt="$need_apt redis-server"
have fish       || need_apt="$need_apt fish"
have php        || need_apt="$need_apt php-cli"
have zbarimg    || need_apt="$need_apt zbar-tools"
# The fake images of imagetrust's tests (Alpine, Fedora, openSUSE, Arch
# layouts) run busybox as their shell and tools under chroot.
have busybox    || need_apt="$need_apt busybox-static"
have ip         || [ -x /usr/sbin/ip ] || need_apt="$need_apt iproute2"
# tc (also iproute2) holds a namespace's localhost port for the Local
# Network Access test of the check page.
have tc         || [ -x /usr/sbin/tc ] || need_apt="$need_apt iproute2"
have debootstrap || [ -x /usr/sbin/debootstrap ] || need_apt="$need_apt debootstrap"
have unshare    || need_apt="$need_apt util-linux"
have taskset    || need_apt="$need_apt util-linux"
have mount      || need_apt="$need_apt mount"
have update-ca-certificates || [ -x /usr/sbin/update-ca-certificates ] || need_apt="$need_apt ca-certificates"
/usr/bin/python3 -c 'import websockets' 2>/dev/null || need_apt="$need_apt python3-websockets"

if [ -n "$need_apt" ]; then
	echo "test-deps: installing$need_apt"
	SUDO=""
	[ "$(id -u)" = 0 ] || SUDO="sudo"
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need_apt >/dev/null
fi

# npm packages, pinned by their lock files; `npm ci` is skipped when the
# installed tree already matches the lock.
for dir in e2e/testdata/npm e2e/testdata/vite5 e2e/testdata/nuxt4 e2e/testdata/nuxt3 e2e/testdata/next templates/testdata/npm bench/peerjs-server; do
	[ -f "$dir/package-lock.json" ] || continue
	if [ ! -f "$dir/node_modules/.package-lock.json" ] || ! cmp -s "$dir/package-lock.json" "$dir/node_modules/.rtdev-lock"; then
		echo "test-deps: npm ci in $dir"
		(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.rtdev-lock)
	fi
done

# The rootfs: built into a temporary folder beside its final place and
# renamed when complete, so a killed build is never taken for a finished
# one. debootstrap needs root; without it the container tests skip (and
# fail in CI, which runs as root).
rootfs=$(rootfs_path)
if [ ! -d "$rootfs" ] && [ "$(id -u)" = 0 ]; then
	echo "test-deps: debootstrap $rootfs_suite into $rootfs"
	mkdir -p "$(dirname "$rootfs")"
	tmp=$(mktemp -d "$rootfs.tmp-XXXXXX")
	trap 'rm -rf "$tmp" "$tmp.log"' EXIT INT TERM
	PATH="$PATH:/usr/sbin:/sbin" debootstrap --variant=minbase --include="$rootfs_packages" \
		"$rootfs_suite" "$tmp" "$rootfs_mirror" >"$tmp.log" 2>&1 || { tail -n 30 "$tmp.log"; exit 1; }
	rm -rf "$tmp/var/cache/apt/archives"/*.deb
	mv "$tmp" "$rootfs"
	rm -f "$tmp.log"
	trap - EXIT INT TERM
fi
