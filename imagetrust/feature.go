package imagetrust

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"path"
)

//go:embed installca.sh
var installCA string

// FeatureID is the Feature's id, which must equal its folder's name under
// .devcontainer/ for a locally referenced Feature.
const FeatureID = "rtdev-ca"

// FeatureDir is where the Feature lives, relative to the project root: a
// local Feature must sit in a sub-folder of .devcontainer/ named like its id.
const FeatureDir = ".devcontainer/" + FeatureID

// FeatureCAFile is the developer's CA copy beside the Feature's files. It
// differs per developer, so git ignores it; the Feature's other files are
// the same for everyone and can be committed.
const FeatureCAFile = "rtdev-ca.crt"

// ImageCAPath is where the Feature leaves a copy of the CA inside the
// image, for the runtimes that read a file rather than the system store
// (Node's NODE_EXTRA_CA_CERTS, Deno's DENO_CERT).
const ImageCAPath = "/usr/local/share/rtdev/ca.pem"

// featureVersion is the Feature's own version; bump it when install.sh
// changes, so a dev container rebuild picks the new one.
const featureVersion = "1.0.0"

// featureEnv are the variables the Feature sets on the container: Node
// reads only its bundled roots plus NODE_EXTRA_CA_CERTS, and Deno its
// chosen store plus DENO_CERT; curl, OpenSSL, Python and Go read the
// system store the Feature updates.
var featureEnv = map[string]string{
	"NODE_EXTRA_CA_CERTS": ImageCAPath,
	"DENO_CERT":           ImageCAPath,
}

// FeatureFile is one file of the Feature, relative to FeatureDir.
type FeatureFile struct {
	Name string
	Data []byte
	Mode uint32
}

// Feature returns the Feature's files: devcontainer-feature.json,
// install.sh, and the CA copy (caPEM) they install.
func Feature(caPEM []byte) ([]FeatureFile, error) {
	meta := map[string]any{
		"id":      FeatureID,
		"version": featureVersion,
		"name":    "rtdev CA",
		"description": "Adds this developer's rtdev CA (" + FeatureCAFile + ", written by rtdev snippet devcontainer --write) " +
			"to the image's trust store, so wss:// to rtdev serve and the project's TLS servers verifies inside the dev container.",
		"containerEnv": featureEnv,
		// The common-utils Feature may install ca-certificates; after it
		// this one finds the store tool already there.
		"installsAfter": []string{"ghcr.io/devcontainers/features/common-utils"},
	}
	js, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("devcontainer feature: %w", err)
	}
	return []FeatureFile{
		{Name: "devcontainer-feature.json", Data: append(js, '\n'), Mode: 0o644},
		{Name: "install.sh", Data: []byte(featureInstall()), Mode: 0o755},
		{Name: FeatureCAFile, Data: caPEM, Mode: 0o644},
	}, nil
}

// featureInstall is install.sh: it runs as root while the image is built,
// from the Feature's folder, so the CA copy is beside it.
func featureInstall() string {
	return `#!/bin/sh
# rtdev devcontainer Feature: adds the rtdev CA beside this file to the
# image's trust store while the dev container's image is built (as root).
# Written by "rtdev snippet devcontainer --write"; safe to commit, except
# ` + FeatureCAFile + `, which is each developer's own CA (git ignores it).
set -eu
here=$(cd "$(dirname "$0")" && pwd)

` + installCA + `
# A slim image may lack the ca-certificates package that holds the store
# tool; the build can install it.
if ! command -v update-ca-certificates >/dev/null 2>&1 && ! command -v update-ca-trust >/dev/null 2>&1; then
	if command -v apt-get >/dev/null 2>&1; then
		apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates
	elif command -v apk >/dev/null 2>&1; then
		apk add --no-cache ca-certificates
	elif command -v dnf >/dev/null 2>&1; then
		dnf install -y ca-certificates
	elif command -v microdnf >/dev/null 2>&1; then
		microdnf install -y ca-certificates
	elif command -v zypper >/dev/null 2>&1; then
		zypper --non-interactive install ca-certificates
	elif command -v pacman >/dev/null 2>&1; then
		pacman -Sy --noconfirm ca-certificates-utils
	fi
fi

rtdev_install_ca "$here/` + FeatureCAFile + `"
mkdir -p ` + path.Dir(ImageCAPath) + `
cp "$here/` + FeatureCAFile + `" ` + ImageCAPath + `
chmod 644 ` + ImageCAPath + `
`
}
