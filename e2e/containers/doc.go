// Package containers runs the compose override for real, without a
// container engine: a project with Node, Python, curl, non-root
// peerjs-server, nginx and Caddy services runs `rtdev init` and `rtdev
// snippet compose --write`, and `rtdev serve --containers` listens on the
// br-* bridge of a namespace playing the host. Each service's command then
// runs as the engine would run it (e2e/internal/container): Node's ws,
// Python websockets, curl and openssl reach
// wss://host.docker.internal:PORT/peerjs (OPEN) and /rtdev/health (200)
// trusting only what the override mounted and set, curl's bundle still
// holds the public roots, and without the override the same curl fails.
// The adapter and the devcontainer Feature add the CA to Debian's store,
// and rtdev run inside a service uses the host's certificate set. The
// non-root service, as uid 1000 with the group from group_add, reads its
// key copy and neither key.pem nor the CA key; run with the override's
// command (npm peer as its image runs it), it serves TLS, and curl and
// openssl in another container verify it as signal.rtdev.internal. nginx
// and Caddy (this machine's, which are Debian 12's as the rootfs is) serve
// TLS with the config lines rtdev printed for them, added as printed.
//
// It needs root, iproute2, unshare, chroot, nginx, Caddy and the
// debootstrap rootfs that scripts/test-deps.sh builds; in CI a missing one
// fails the test.
package containers
