// Package imagetrust writes the two ways rtdev adds its CA to a container
// image's own trust store, beside the environment route of the compose
// override (which replaces an image's extra roots):
//
//   - a local devcontainer Feature (.devcontainer/rtdev-ca/), which installs
//     the developer's CA when the dev container's image is built;
//   - an entrypoint adapter for an image you do not build, which installs the
//     mounted CA when the container starts and then execs its command.
//
// Both run the same POSIX sh function (installca.sh), which finds the store
// by the anchor folder each distribution family keeps: Debian, Ubuntu and
// Alpine, Fedora and RHEL, openSUSE, Arch.
package imagetrust
