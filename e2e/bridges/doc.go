// Package bridges tests rtdev serve --containers end to end, on a machine
// played by a network namespace: a container network that appears after
// serve started is served, a container on it reaches serve as
// host.docker.internal over TLS, and a device on the Wi-Fi reaches
// nothing, even with a route to the bridge's address.
package bridges
