package compose

import (
	"path"
	"path/filepath"

	"github.com/rtdev/rtdev/imagetrust"
	"github.com/rtdev/rtdev/project"
)

// MountDir is where rtdev's files appear inside a container. A folder of
// its own, not the image's trust store: the mounts must not hide anything
// the image has.
const MountDir = "/etc/rtdev"

// The files under MountDir. The bundle and truststore hold the host's
// public roots plus the rtdev CA; the key is the group-readable copy
// (project.WriteGroupKey), never key.pem itself.
var (
	CAPath         = imagetrust.MountedCAPath
	BundlePath     = path.Join(MountDir, "ca-bundle.pem")
	TrustStorePath = path.Join(MountDir, "truststore.p12")
	CertPath       = path.Join(MountDir, "fullchain.pem")
	KeyPath        = path.Join(MountDir, "key.pem")
)

// mount is one read-only bind mount: a file of the project's .rtdev/
// folder (its name there) and where the container sees it.
type mount struct{ file, target string }

// trustMounts are what every service gets; tlsMounts what a service that
// serves TLS gets on top.
func trustMounts(withTrustStore bool) []mount {
	lay := project.NewLayout("")
	m := []mount{{filepath.Base(lay.CA), CAPath}, {filepath.Base(lay.Bundle), BundlePath}}
	if withTrustStore {
		m = append(m, mount{filepath.Base(lay.TrustStore), TrustStorePath})
	}
	return m
}

// adapterMount is the entrypoint adapter (rtdev snippet container-trust),
// from .rtdev/snippets/, where snippet compose --write and rtdev init put it.
func adapterMount() mount {
	return mount{"snippets/" + imagetrust.AdapterName, imagetrust.AdapterPath}
}

func tlsMounts() []mount {
	lay := project.NewLayout("")
	return []mount{{filepath.Base(lay.Fullchain), CertPath}, {filepath.Base(lay.GroupKey), KeyPath}}
}

// source is the mount's host path as the override writes it: relative to
// the project root (the folder of the first compose file, which Compose
// resolves relative paths against), with "/" on every system.
func (m mount) source() string { return "./" + project.DirName + "/" + m.file }
