// Package container runs compose services the way a container engine
// would, without one: the CI and development machines have no Docker
// engine, and podman cannot start containers there. A test loads the
// project's compose files (COMPOSE_FILE from .env, as docker compose does)
// with compose-go, and Host.Run starts one service's command:
//
//   - in a network namespace of its own, on a br-* bridge that lives in a
//     second namespace playing the machine running the engine (Host), so
//     nothing stays behind on this machine when the namespaces go;
//   - under unshare, with its own mount and PID namespaces;
//   - on an overlay over a Debian rootfs made by debootstrap (Rootfs), its
//     upper and work folders on a tmpfs of the service's own mount
//     namespace;
//   - with the service's bind mounts (read-only where the file says so),
//     its environment and nothing of the test's, /etc/hosts mapping
//     extra_hosts (host-gateway is the bridge address, as Docker maps it),
//     and the service's user, group and group_add.
//
// Host.Start runs a service in the background; the containers started
// after it resolve its name and network aliases, as the engine's DNS
// would answer them.
//
// It needs root, ip, unshare and chroot; without them, or without the
// rootfs, a test fails in CI and is skipped elsewhere (testtool.Missing).
package container
