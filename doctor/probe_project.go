package doctor

import (
	"bytes"
	"crypto/x509"

	"github.com/rtdev/rtdev/internal/shell"
)

// ProjectCert is the project's certificate in .rtdev/ and its files as the
// user should see them in a fix (relative to the project root).
type ProjectCert struct {
	Cert     *x509.Certificate
	CertFile string // .rtdev/cert.pem
	KeyFile  string // .rtdev/key.pem
}

// otherThanProject reports whether leaf is not the project's certificate
// while the project's covers host: the server was started with some other
// certificate (one from `rtdev cert`, another project's, a framework's),
// and the fix is to serve the project's files, not to issue another.
func (p *prober) otherThanProject(leaf *x509.Certificate) bool {
	pc := p.o.Project
	return pc != nil && pc.Cert != nil && !bytes.Equal(pc.Cert.Raw, leaf.Raw) && pc.Cert.VerifyHostname(p.t.Host) == nil
}

// serveProjectFix is how to restart the server with the project's
// certificate: the two files, and the snippet for the server when the port
// tells which it is.
func (p *prober) serveProjectFix() string {
	return "restart the server with " + shell.Quote(p.o.Project.CertFile) + " and " + shell.Quote(p.o.Project.KeyFile) +
		": " + snippetFix(p.t.Port)
}

// nameMismatchFix is the fix for a certificate that does not cover the
// host asked for: serve the project's when it covers the host, add the host
// to the project's (rtdev init --host, which writes rtdev.toml) only when
// the server already serves an rtdev certificate and none covers it, and
// otherwise issue one for the host.
func (p *prober) nameMismatchFix(chain []*x509.Certificate) (string, map[string]any) {
	leaf := chain[0]
	if p.otherThanProject(leaf) {
		return p.serveProjectFix(), map[string]any{"cert_file": p.o.Project.CertFile, "key_file": p.o.Project.KeyFile}
	}
	if p.signedByRTDev(chain) {
		return "rtdev init --host " + shell.Quote(p.t.Host), nil
	}
	return "rtdev cert " + shell.Quote(p.t.Host), nil
}
