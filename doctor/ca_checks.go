package doctor

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/internal/shell"
	"github.com/rtdev/rtdev/project"
)

// caWarnBefore is how long before its end an expiring CA is reported: the
// default leaf lifetime, because a leaf cannot outlive its CA (ca.Issue
// shortens it), so from then on every renewal gives a shorter certificate.
const caWarnBefore = ca.DefaultValidity

// checkCA loads the CA in dir and judges its files and dates. It returns
// the CA certificate (without its key: no later check signs anything) for
// the later checks, or nil when there is no usable CA certificate.
//
// committedHosts are the hosts of the project's committed rtdev.toml: a
// public-domain constraint covering one of them is an error, since that is
// how a file someone else wrote would have made this CA able to issue for
// a real site.
func checkCA(dir string, now time.Time, committedHosts []string) (*ca.CA, []Finding) {
	certPath := filepath.Join(dir, ca.CertFileName)
	keyPath := filepath.Join(dir, ca.KeyFileName)
	c, err := ca.LoadCert(dir)
	if errors.Is(err, ca.ErrNotFound) {
		return nil, []Finding{{ID: IDCAMissing, Severity: SeverityError, Subject: certPath,
			Message: "there is no rtdev CA in " + dir + ", so no project certificate can be issued or trusted",
			Fix:     fixInit}}
	}
	if err != nil {
		return nil, []Finding{{ID: IDCAInvalid, Severity: SeverityError, Subject: certPath,
			Message: "the CA certificate cannot be used: " + err.Error(),
			// A CA is never overwritten (it may be trusted), so the fix
			// moves it aside before a new one is made.
			Fix: "mv " + shell.Quote(dir) + " " + shell.Quote(dir+".broken") + " && " + fixInit}}
	}

	var out []Finding
	var kme *ca.KeyModeError
	switch _, err := ca.Load(dir); {
	case err == nil:
	case errors.As(err, &kme):
		out = append(out, Finding{ID: IDCAKeyReadable, Severity: SeverityError, Subject: keyPath,
			Message: fmt.Sprintf("the CA key can be read by other users (mode %04o), so rtdev refuses to use it", kme.Mode.Perm()),
			Fix:     kme.Hint(), Details: map[string]any{"mode": fmt.Sprintf("%04o", kme.Mode.Perm())}})
	case errors.Is(err, ca.ErrNoKey):
		out = append(out, Finding{ID: IDCAKeyMissing, Severity: SeverityWarn, Subject: keyPath,
			Message: "the CA key is not here: this machine can trust the CA but cannot issue or renew certificates"})
	default:
		out = append(out, Finding{ID: IDCAKeyInvalid, Severity: SeverityError, Subject: keyPath,
			Message: "the CA key cannot be used: " + err.Error()})
	}

	details := map[string]any{
		"fingerprint": c.Fingerprint(),
		"subject":     c.Cert.Subject.String(),
		"not_after":   date(c.Cert.NotAfter),
		"constraints": c.Constraints().String(),
	}
	// A CA is never overwritten, so a new one starts with the old moved aside.
	replace := "rtdev trust uninstall && mv " + shell.Quote(dir) + " " + shell.Quote(dir+".old") + " && " + fixInit
	switch left := c.Cert.NotAfter.Sub(now); {
	case left <= 0:
		out = append(out, Finding{ID: IDCAExpired, Severity: SeverityError, Subject: certPath,
			Message: "the rtdev CA expired on " + date(c.Cert.NotAfter) + ", so nothing it signed verifies",
			Fix:     replace, Details: details})
	case left < caWarnBefore:
		out = append(out, Finding{ID: IDCAExpiring, Severity: SeverityWarn, Subject: certPath,
			Message: "the rtdev CA expires on " + date(c.Cert.NotAfter) + ", and certificates it issues now end with it",
			Fix:     replace, Details: details})
	}
	out = append(out, constraintFindings(c, certPath, committedHosts, replace)...)
	if !hasProblem(out) {
		out = append(out, Finding{ID: IDCAOK, Severity: SeverityOK, Subject: certPath,
			Message: "the rtdev CA and its key are usable until " + date(c.Cert.NotAfter), Details: details})
	}
	return c, out
}

// constraintFindings say what the CA may sign beyond the built-in private
// names and ranges, so a CA widened by a --host (or made unconstrained) is
// never a surprise.
//
// A public-domain constraint (outside the private-use names) that covers a
// host of the committed rtdev.toml is an error whose fix is a new CA; who
// asked for each constraint comes from the CA folder's record, when the CA
// was made by an rtdev that kept one.
func constraintFindings(c *ca.CA, certPath string, committedHosts []string, replace string) []Finding {
	k := c.Constraints()
	if k.Unconstrained {
		return []Finding{{ID: IDCAUnconstrain, Severity: SeverityInfo, Subject: certPath,
			Message: "the rtdev CA has no name constraints (--unconstrained): its key can sign a certificate for any site, so keep it on this machine"}}
	}
	dns, nets := k.Widenings()
	beyond := append([]string{}, dns...)
	for _, n := range nets {
		beyond = append(beyond, n.String())
	}
	if len(beyond) == 0 {
		return nil
	}
	out := []Finding{{ID: IDCAWidened, Severity: SeverityInfo, Subject: certPath,
		Message: "the rtdev CA also covers " + strings.Join(beyond, ", ") + " beyond the built-in private names and ranges",
		Details: map[string]any{"beyond_builtin": beyond}}}
	recorded, _, _ := ca.LoadWidenings(c.Dir)
	for _, d := range dns {
		if project.UnderPrivateUse(d) {
			continue
		}
		for _, h := range committedHosts {
			name := strings.ToLower(strings.TrimPrefix(h, "*."))
			if name != d && !strings.HasSuffix(name, "."+d) {
				continue
			}
			asked := "an rtdev that kept no record of who asked"
			for _, w := range recorded {
				if w.Constraint == d {
					asked = fmt.Sprintf("%s (%s)", w.Origin, w.Host)
				}
			}
			out = append(out, Finding{ID: IDCAWidenedPublic, Severity: SeverityError, Subject: certPath,
				Message: fmt.Sprintf("the rtdev CA covers the public domain %s, which the committed %s lists (%s), so the CA can issue certificates this machine trusts for a real site; the constraint was asked for by %s",
					d, project.ConfigFileName, h, asked),
				Fix:     replace,
				Details: map[string]any{"constraint": d, "host": h, "asked_by": asked}})
			break
		}
	}
	return out
}
