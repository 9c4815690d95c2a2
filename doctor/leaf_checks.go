package doctor

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/internal/shell"
	"github.com/rtdev/rtdev/project"
)

// checkLeaf judges the project certificate in .rtdev/: present, its key
// present, private and matching, signed by the CA, in date, and listing
// every name the project wants today.
func checkLeaf(o LocalOptions, c *ca.CA) []Finding {
	lay := o.Layout
	l, err := ca.LoadLeaf(lay.Cert, "")
	if errors.Is(err, fs.ErrNotExist) {
		return []Finding{{ID: IDLeafMissing, Severity: SeverityError, Subject: lay.Cert,
			Message: "the project has no certificate yet", Fix: fixInit}}
	}
	if err != nil {
		return []Finding{{ID: IDLeafInvalid, Severity: SeverityError, Subject: lay.Cert,
			Message: "the project certificate cannot be read: " + err.Error(), Fix: fixInit}}
	}
	leaf := l.Cert
	var out []Finding
	out = append(out, checkLeafKey(lay.Cert, lay.Key)...)
	if c != nil {
		out = append(out, checkLeafIssuer(lay.Cert, leaf, c, o.Now)...)
	}
	out = append(out, checkLeafDates(lay.Cert, leaf, o.Now)...)
	out = append(out, checkLeafNames(o, leaf, c)...)
	if c != nil {
		out = append(out, checkCACopies(lay, c.Cert)...)
	}
	if !hasProblem(out) {
		out = append(out, Finding{ID: IDLeafOK, Severity: SeverityOK, Subject: lay.Cert,
			Message: "the project certificate is valid until " + date(leaf.NotAfter) + " for " + strings.Join(certNames(leaf), ", "),
			Details: map[string]any{"names": certNames(leaf), "not_after": date(leaf.NotAfter)}})
	}
	return out
}

// checkLeafKey checks that key.pem exists, only its owner can read it, and
// it is the private half of the certificate: a mismatched pair is a classic
// handshake failure ("key values mismatch" in nginx, "key does not match"
// in Node) that only shows when a server starts.
func checkLeafKey(certPath, keyPath string) []Finding {
	fi, err := os.Stat(keyPath)
	if errors.Is(err, fs.ErrNotExist) {
		return []Finding{{ID: IDLeafKeyMissing, Severity: SeverityError, Subject: keyPath,
			Message: "the project certificate has no key next to it, so no server can use it", Fix: fixInit}}
	}
	var out []Finding
	// Windows has no POSIX modes; %LocalAppData% and the project folder
	// are per-user there (ca.Load makes the same exception).
	if err == nil && runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		out = append(out, Finding{ID: IDLeafKeyReadable, Severity: SeverityWarn, Subject: keyPath,
			Message: fmt.Sprintf("the project key can be read by other users (mode %04o)", fi.Mode().Perm()),
			Fix:     "chmod 600 " + shell.Quote(keyPath)})
	}
	// ca.LoadLeaf reads the key in any encoding OpenSSL and rtdev write and
	// refuses one that is not the certificate's.
	if _, err := ca.LoadLeaf(certPath, keyPath); err != nil {
		out = append(out, Finding{ID: IDLeafKeyMismatch, Severity: SeverityError, Subject: keyPath,
			Message: "the key does not belong to the project certificate (" + err.Error() + "), so every TLS handshake with it fails",
			Fix:     fixInit})
	}
	return out
}

// checkLeafIssuer checks that the certificate chains to the CA in the CA
// folder, as a client trusting only that CA would verify it. Dates are
// reported on their own (checkLeafDates, checkCA).
func checkLeafIssuer(certPath string, leaf *x509.Certificate, c *ca.CA, now time.Time) []Finding {
	roots := x509.NewCertPool()
	roots.AddCert(c.Cert)
	opts := x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	err := verifyApartFromDates(leaf, &opts, now, []*x509.Certificate{leaf})
	if err == nil {
		return nil
	}
	return []Finding{{ID: IDLeafWrongCA, Severity: SeverityError, Subject: certPath,
		Message: "the project certificate does not verify against the CA in " + c.Dir + " (" + err.Error() + "), so browsers trusting that CA reject it",
		Fix:     fixInit,
		Details: map[string]any{"issuer": leaf.Issuer.String(), "ca": c.Cert.Subject.String()}}}
}

// verifyApartFromDates verifies leaf with opts as a client would, leaving
// out the dates of the certificates in given, which their own checks report.
// It verifies at now or, when now is outside the leaf's validity, in the
// middle of it. When that time falls outside a CA's validity it verifies
// again at now, where an error about the dates of a certificate in given is
// no error here. It leaves opts.CurrentTime at the time it judged at.
func verifyApartFromDates(leaf *x509.Certificate, opts *x509.VerifyOptions, now time.Time, given []*x509.Certificate) error {
	opts.CurrentTime = now
	if now.Before(leaf.NotBefore) || now.After(leaf.NotAfter) {
		opts.CurrentTime = leaf.NotBefore.Add(leaf.NotAfter.Sub(leaf.NotBefore) / 2)
	}
	_, err := leaf.Verify(*opts)
	var cie x509.CertificateInvalidError
	if errors.As(err, &cie) && cie.Reason == x509.Expired {
		opts.CurrentTime = now
		_, err = leaf.Verify(*opts)
		if errors.As(err, &cie) && cie.Reason == x509.Expired && slices.ContainsFunc(given, cie.Cert.Equal) {
			return nil
		}
	}
	return err
}

// checkLeafDates reports an expired, not yet valid or nearly spent
// certificate. "Nearly" is a third of its lifetime left: when rtdev init
// and rtdev serve renew (ca.CA.RenewalReason), as ACME clients do.
func checkLeafDates(certPath string, leaf *x509.Certificate, now time.Time) []Finding {
	details := map[string]any{"not_before": date(leaf.NotBefore), "not_after": date(leaf.NotAfter), "now": date(now)}
	f := Finding{Subject: certPath, Fix: fixInit, Details: details}
	switch {
	case now.After(leaf.NotAfter):
		f.ID, f.Severity = IDLeafExpired, SeverityError
		f.Message = "the project certificate expired on " + date(leaf.NotAfter)
	case now.Before(leaf.NotBefore):
		f.ID, f.Severity = IDLeafNotYetValid, SeverityError
		f.Message = "the project certificate is not valid until " + date(leaf.NotBefore) + ": this machine's clock is behind or it was issued elsewhere"
	case leaf.NotAfter.Sub(now) < leaf.NotAfter.Sub(leaf.NotBefore)/3:
		f.ID, f.Severity = IDLeafRenewalDue, SeverityWarn
		f.Message = "the project certificate expires on " + date(leaf.NotAfter) + ", less than a third of its lifetime away"
	default:
		return nil
	}
	return []Finding{f}
}

// checkLeafNames compares the certificate's names with what the project
// wants now: rtdev.toml hosts and the machine's current LAN addresses (a
// laptop on another Wi-Fi has another address, and a phone that opens the
// new one gets a name mismatch).
func checkLeafNames(o LocalOptions, leaf *x509.Certificate, c *ca.CA) []Finding {
	have := map[string]bool{}
	for _, n := range certNames(leaf) {
		have[strings.ToLower(n)] = true
	}
	lan := map[string]bool{}
	for _, a := range project.LANAddrs(o.System) {
		lan[a.IP.String()] = true
	}
	var out []Finding
	for _, h := range project.WantedHosts(o.System, o.Config, nil) {
		n, err := ca.ParseName(h.Name)
		if err != nil {
			out = append(out, Finding{ID: IDLeafHostMissing, Severity: SeverityError, Subject: o.Layout.ConfigFile,
				Message: fmt.Sprintf("host %q from %s cannot go into a certificate: %v", h.Name, h.Source, err),
				Details: map[string]any{"host": h.Name, "source": h.Source}})
			continue
		}
		if have[n.Value] {
			continue
		}
		details := map[string]any{"host": n.Value, "source": h.Source, "names": certNames(leaf)}
		if c != nil {
			if perr := c.Permits(n); perr != nil {
				f := Finding{ID: IDLeafHostNotPermitted, Severity: SeverityInfo, Subject: o.Layout.Cert,
					Message: fmt.Sprintf("%s (%s) is not in the certificate because the CA does not permit it", n.Value, h.Source),
					Details: details}
				if h.Requested {
					f.Severity = SeverityError
				}
				var hinter interface{ Hint() string }
				if errors.As(perr, &hinter) {
					f.Fix = hinter.Hint()
				}
				out = append(out, f)
				continue
			}
		}
		f := Finding{ID: IDLeafHostMissing, Severity: SeverityError, Subject: o.Layout.Cert, Fix: fixInit, Details: details,
			Message: fmt.Sprintf("the project certificate does not cover %s (%s), so a client that opens it gets a name mismatch", n.Value, h.Source)}
		if lan[n.Value] && !h.Requested {
			f.ID, f.Severity = IDLeafLANChanged, SeverityWarn
			f.Message = fmt.Sprintf("this machine's LAN address is now %s (%s) and the certificate does not list it, so a phone on the network gets a name mismatch", n.Value, h.Source)
		}
		out = append(out, f)
	}
	return out
}
