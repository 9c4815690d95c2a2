package templates

// view is what a template sees: Data with its defaults filled in, plus the
// paths in the form this target takes and the derived values.
type view struct {
	Data
	Target Target
	Port   int      // the target's own port (Data.AppPort or Target.DefaultPort)
	Bind   string   // listen address for generated servers
	Origin []string // https:// origins pages of this project are opened at
}

func newView(t Target, d Data) view {
	d = d.withDefaults(t)
	return view{Data: d, Target: t, Port: d.AppPort, Bind: d.bind(), Origin: d.origins()}
}

// path is file in the form the target takes, or a MissingFileError.
func (v view) path(file, name string) (string, error) {
	if file == "" {
		return "", &MissingFileError{Target: v.Target.Name, File: name}
	}
	if v.Relative && v.Target.ProjectRelative {
		return v.relativePath(file), nil
	}
	return file, nil
}

// The certificate-set files; a template that uses one the project has no
// path for fails with a MissingFileError.

func (v view) Cert() (string, error)      { return v.path(v.CertFile, "cert.pem") }
func (v view) Key() (string, error)       { return v.path(v.KeyFile, "key.pem") }
func (v view) CA() (string, error)        { return v.path(v.CAFile, "ca.pem") }
func (v view) Fullchain() (string, error) { return v.path(v.FullchainFile, "fullchain.pem") }
func (v view) P12() (string, error)       { return v.path(v.P12File, "cert.p12") }
func (v view) CADER() (string, error)     { return v.path(v.CADERFile, "ca.der") }

// LAN reports whether the project is served to other machines.
func (v view) LAN() bool { return v.LANAddress != "" }

// ServeURL is the https:// base of rtdev serve for the client host.
func (v view) ServeURL() string {
	return "https://" + hostPort(v.Host, v.ServePort) + v.ServePath
}

// WSURL is the wss:// URL of the target's own server for the client host.
func (v view) WSURL() string {
	return "wss://" + hostPort(v.Host, v.Port) + "/"
}

// HostNames are the certificate's names with IPv6 literals bracketed, for
// server_name lines and site addresses.
func (v view) HostNames() []string {
	out := make([]string, len(v.Hosts))
	for i, h := range v.Hosts {
		out[i] = urlHost(h)
	}
	return out
}
