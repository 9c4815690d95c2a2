package doctor

import (
	"bytes"
	"crypto/x509"
	"errors"
	"io/fs"
	"path/filepath"

	"github.com/rtdev/rtdev/project"
)

// checkCACopies checks the copies of the CA in .rtdev/ that clients read
// instead of the CA folder: ca.pem (the snippets that pin the CA, the
// compose override's mount), ca.der (phones) and ca-bundle.pem
// (SSL_CERT_FILE and friends, containers). A copy left from another CA (a
// CA made again, RTDEV_CAROOT pointed elsewhere, .rtdev/ copied from a
// teammate) makes those clients reject certificates that every other check
// calls good. rtdev init rewrites all three. Only problems are findings;
// without a project certificate, leaf-missing already names rtdev init.
func checkCACopies(lay project.Layout, c *x509.Certificate) []Finding {
	copies := []struct {
		path     string
		optional bool // ca-bundle.pem is left out where the system has no bundle
		holds    func([]byte) bool
	}{
		{lay.CA, false, func(d []byte) bool { return holdsCert(d, c.Raw) }},
		{lay.CADER, false, func(d []byte) bool { return bytes.Equal(d, c.Raw) }},
		{lay.Bundle, true, func(d []byte) bool { return holdsCert(d, c.Raw) }},
	}
	var out []Finding
	for _, cp := range copies {
		data, err := readBounded(cp.path, maxBundleBytes)
		f := Finding{ID: IDProjectCAStale, Severity: SeverityError, Subject: cp.path, Fix: fixInit}
		name := filepath.Join(project.DirName, filepath.Base(cp.path))
		switch {
		case errors.Is(err, fs.ErrNotExist) && cp.optional:
			continue
		case errors.Is(err, fs.ErrNotExist):
			f.Message = name + " is missing, so clients and containers that read it do not trust your certificates"
		case err != nil:
			f.Message = name + " cannot be read: " + err.Error()
		case !cp.holds(data):
			f.Message = name + " holds another CA than yours, so clients and containers that read it reject your certificates"
		default:
			continue
		}
		out = append(out, f)
	}
	return out
}
