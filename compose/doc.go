// Package compose brings a project's Docker Compose services into the rtdev
// certificate set. It finds the project's compose files as `docker compose`
// does (Find), loads them with compose-go, the Compose specification's own
// loader, so include, extends, profiles and interpolation behave as they do
// for the engine (Load), and generates compose.rtdev.yaml (Generate): an
// override that mounts the rtdev CA and the combined bundle read-only under
// MountDir, sets the variables runtimes read to trust them, maps
// host.docker.internal to the host (host-gateway), and gives the services
// that serve TLS (Centrifugo, peerjs-server, nginx, Caddy) the certificate,
// a group-readable key copy and a SERVICE.rtdev.internal alias.
//
// The override holds relative paths and nothing per developer, so a team
// commits it; the developer's own values (the key copy's group id, the
// COMPOSE_FILE list) go into .env (DotEnv).
//
// A committed compose file is someone else's input: each file is bounded in
// size, the number of services is bounded, a service name must be what the
// Compose specification allows before it is written anywhere, and the
// override's paths are fixed names under the project, never taken from the
// file.
//
// The mount points (MountDir and the paths under it) are the one home of
// where rtdev puts its files inside a container, for the other container
// routes to share.
//
// The package never prints and never exits; it returns wrapped errors.
package compose
