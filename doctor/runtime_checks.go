package doctor

import (
	"bytes"
	"encoding/pem"
	"errors"
	"io/fs"
	"os"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/project"
	"github.com/rtdev/rtdev/templates"
)

// checkRuntime checks the variables `rtdev env` sets (NODE_EXTRA_CA_CERTS,
// SSL_CERT_FILE, ...): each one set must name an existing file that holds
// the rtdev CA. Node only warns about a missing file and carries on without
// it, so the failure shows up later as UNABLE_TO_VERIFY_LEAF_SIGNATURE.
func checkRuntime(getenv func(string) string, lay project.Layout, c *ca.CA) []Finding {
	// The list of variables lives in templates, with `rtdev env`, so the
	// two can never disagree.
	vars, err := templates.EnvVars(templates.LayoutData(lay))
	if err != nil {
		return nil
	}
	var out []Finding
	for _, v := range vars {
		path := getenv(v.Name)
		if path == "" || v.Append {
			continue
		}
		details := map[string]any{"variable": v.Name, "path": path}
		f := Finding{Subject: v.Name, Details: details}
		data, err := os.ReadFile(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			f.ID, f.Severity, f.Fix = IDRuntimeCAFileMissing, SeverityError, fixEnv
			f.Message = v.Name + " points at " + path + ", which does not exist, so runtimes that read it do not trust the rtdev CA"
		case err != nil:
			f.ID, f.Severity, f.Fix = IDRuntimeCAFileMissing, SeverityError, fixEnv
			f.Message = v.Name + " points at a file that cannot be read: " + err.Error()
		case c == nil:
			// Without a CA there is nothing to look for; ca-missing says so.
			f.ID, f.Severity = IDRuntimeTrustUnset, SeverityInfo
			f.Message = v.Name + " points at " + path + "; whether it holds the rtdev CA is checked once the CA exists"
		case !holdsCert(data, c.Cert.Raw):
			f.ID, f.Severity, f.Fix = IDRuntimeCAFileStale, SeverityWarn, fixEnv
			f.Message = v.Name + " points at " + path + ", which does not hold the current rtdev CA"
		default:
			f.ID, f.Severity = IDRuntimeTrustOK, SeverityOK
			f.Message = v.Name + " points at " + path + ", which holds the rtdev CA"
		}
		out = append(out, f)
	}
	if len(out) == 0 {
		out = append(out, Finding{ID: IDRuntimeTrustUnset, Severity: SeverityInfo, Subject: "environment",
			Message: "no runtime trust variable is set, so Node, Deno and Python clients use their own roots and reject rtdev certificates",
			Fix:     fixEnv})
	}
	return out
}

// holdsCert reports whether PEM data contains the certificate with DER der.
func holdsCert(data, der []byte) bool {
	for {
		var b *pem.Block
		if b, data = pem.Decode(data); b == nil {
			return false
		}
		if b.Type == "CERTIFICATE" && bytes.Equal(b.Bytes, der) {
			return true
		}
	}
}
