# rtdev_install_ca FILE adds the CA in FILE (PEM) to the trust store of
# the image this runs in, picked by the anchor folder each family keeps:
# Fedora/RHEL, Arch, openSUSE, then Debian/Ubuntu and Alpine. It prints
# what it did, and returns 1 (having changed nothing) when the image has
# no store it knows or the store cannot be written (not root).
rtdev_install_ca() {
	rtdev_ca=$1
	if [ ! -r "$rtdev_ca" ]; then
		echo "rtdev: no CA at $rtdev_ca: mount .rtdev/ca.pem there" >&2
		return 1
	fi
	if [ -d /etc/pki/ca-trust/source/anchors ] && command -v update-ca-trust >/dev/null 2>&1; then
		rtdev_anchor=/etc/pki/ca-trust/source/anchors/rtdev-ca.pem
		rtdev_update="update-ca-trust extract"
	elif [ -d /etc/ca-certificates/trust-source/anchors ] && command -v update-ca-trust >/dev/null 2>&1; then
		rtdev_anchor=/etc/ca-certificates/trust-source/anchors/rtdev-ca.crt
		rtdev_update="update-ca-trust"
	elif [ -d /etc/pki/trust/anchors ] && command -v update-ca-certificates >/dev/null 2>&1; then
		rtdev_anchor=/etc/pki/trust/anchors/rtdev-ca.pem
		rtdev_update="update-ca-certificates"
	elif command -v update-ca-certificates >/dev/null 2>&1; then
		# Debian's update-ca-certificates reads only *.crt files here.
		rtdev_anchor=/usr/local/share/ca-certificates/rtdev-ca.crt
		rtdev_update="update-ca-certificates"
	else
		echo "rtdev: this image has no trust store tool (update-ca-certificates or update-ca-trust, from its ca-certificates package); use the environment route of rtdev snippet compose instead" >&2
		return 1
	fi
	if [ -f "$rtdev_anchor" ] && cmp -s "$rtdev_ca" "$rtdev_anchor"; then
		echo "rtdev: the rtdev CA is already in $rtdev_anchor"
		return 0
	fi
	if ! mkdir -p "${rtdev_anchor%/*}" 2>/dev/null || ! cp "$rtdev_ca" "$rtdev_anchor.rtdev-new" 2>/dev/null; then
		echo "rtdev: cannot write ${rtdev_anchor%/*} as $(id -un 2>/dev/null || id -u): the store is root's; the environment route still applies" >&2
		return 1
	fi
	mv -f "$rtdev_anchor.rtdev-new" "$rtdev_anchor"
	# The update tools print one line per change; only failure matters.
	if ! $rtdev_update >/dev/null; then
		rm -f "$rtdev_anchor"
		echo "rtdev: $rtdev_update failed; the CA was not added" >&2
		return 1
	fi
	echo "rtdev: added the rtdev CA to $rtdev_anchor ($rtdev_update)"
}
