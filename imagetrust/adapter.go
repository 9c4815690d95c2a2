package imagetrust

// AdapterName is the adapter's file name under .rtdev/snippets/, where
// rtdev snippet container-trust --write puts it and the compose override
// mounts it from.
const AdapterName = "container-trust.sh"

// AdapterPath is where the compose override mounts the adapter in a
// container, and MountedCAPath the rtdev CA it installs: the override
// mounts rtdev's files read-only under /etc/rtdev, a folder of rtdev's own
// (RTDEV_CA_FILE names another CA file).
const (
	AdapterPath   = "/etc/rtdev/" + AdapterName
	MountedCAPath = "/etc/rtdev/ca.pem"
)

// Adapter returns the entrypoint adapter: a POSIX sh script for an image
// you do not build. It installs the mounted CA into whichever store the
// image has, then execs the service's command, so the command stays
// process 1 and gets its signals. A store it cannot write (a non-root
// user, an image without the tool) is said on stderr and the command
// still runs: the environment route of the override still applies.
func Adapter() string {
	return `#!/bin/sh
# rtdev container-trust: the entrypoint of a compose service whose image
# you do not build. It adds the rtdev CA mounted at ` + MountedCAPath + `
# (or $RTDEV_CA_FILE) to the image's own trust store, then runs the
# service's command. Written by "rtdev snippet container-trust --write".
set -u

` + installCA + `
rtdev_install_ca "${RTDEV_CA_FILE:-` + MountedCAPath + `}" >&2 || true
if [ "$#" -eq 0 ]; then
	echo "rtdev: container-trust needs the service's command after it (compose: command:)" >&2
	exit 64
fi
exec "$@"
`
}
