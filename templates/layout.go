package templates

import "github.com/rtdev/rtdev/project"

// LayoutData is the Data for the certificate set laid out as lay: the
// project folder and the absolute path of each file. Hosts, serve settings,
// passwords and the optional truststore are the project's state, which the
// caller reads. It is the one place a Layout field meets a Data field, so a
// new file in .rtdev/ cannot reach one snippet and miss another.
func LayoutData(lay project.Layout) Data {
	return Data{
		ProjectDir:    lay.Root,
		CertFile:      lay.Cert,
		KeyFile:       lay.Key,
		CAFile:        lay.CA,
		FullchainFile: lay.Fullchain,
		P12File:       lay.P12,
		CADERFile:     lay.CADER,
		BundleFile:    lay.Bundle,
	}
}
