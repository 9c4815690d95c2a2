package doctor

import (
	"context"
	"errors"
	"slices"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/trust"
)

// StoreStatus is what every trust store says about the CA, read without
// changing anything, and which stores RTDEV_TRUST_STORES selects. Doctor
// reads the stores left out too: they decide what a client that reads them
// sees, but only a selected store's problem is one the user asked to fix.
type StoreStatus struct {
	Results []trust.Result
	// Selection is the parsed RTDEV_TRUST_STORES: nil selects every store
	// (trust.ParseSelection).
	Selection []string
}

// Selected reports whether RTDEV_TRUST_STORES selects store.
func (s StoreStatus) Selected(store string) bool {
	return s.Selection == nil || slices.Contains(s.Selection, store)
}

// checkTrust turns each trust store result into a finding.
func checkTrust(ctx context.Context, status TrustStatus, c *ca.CA) []Finding {
	st, err := status(ctx, c)
	if err != nil {
		return []Finding{{ID: IDTrustNotAvailable, Severity: SeverityWarn, Subject: "trust stores",
			Message: "the trust stores could not be checked: " + err.Error()}}
	}
	out := make([]Finding, 0, len(st.Results))
	for _, r := range st.Results {
		out = append(out, trustFinding(r, st.Selected(r.Store)))
	}
	return out
}

// trustFinding is one store location's finding. Its message names the
// location: a machine with eight NSS databases gets eight findings that say
// which is which. A problem in a store RTDEV_TRUST_STORES leaves out is
// info, since rtdev was told not to manage that store.
func trustFinding(r trust.Result, selected bool) Finding {
	subject, where := r.Store, ""
	if r.Location != "" {
		subject += " " + r.Location
		where = " at " + r.Location
	}
	details := map[string]any{"store": r.Store, "state": string(r.State), "selected": selected}
	if r.Location != "" {
		details["location"] = r.Location
	}
	if r.Command != "" {
		details["manual"] = r.Command
	}
	if r.Reason != "" {
		details["reason"] = r.Reason
	}
	f := Finding{Subject: subject, Details: details}
	var jh *trust.JavaHomeError
	switch {
	case r.State == trust.Installed || r.State == trust.Already:
		f.ID, f.Severity = IDCATrusted, SeverityOK
		f.Message = "the rtdev CA is trusted by the " + r.Store + " store" + where
	case r.State == trust.Missing && len(r.OtherCAs) > 0:
		f = mismatchFinding(r, subject, details)
	case r.State == trust.Missing || r.State == trust.Declined:
		f.ID, f.Severity = IDCANotTrusted, SeverityError
		f.Message = "the rtdev CA is not trusted by the " + r.Store + " store" + where + ", so " + trust.Effect(r.Store)
		f.Fix = fixTrust + " --store " + r.Store
	case r.State == trust.Failed:
		f.ID, f.Severity = IDTrustCheckFailed, SeverityError
		f.Message = "checking the " + r.Store + " store" + where + " failed"
		if r.Err != nil {
			f.Message += ": " + r.Err.Error()
		}
		f.Fix = r.Command
		if r.Output != "" {
			details["output"] = r.Output
		}
	case errors.As(r.Err, &jh):
		// Maven and Gradle fail on it too; the other JDKs were still checked.
		f.ID, f.Severity = IDJavaHomeInvalid, SeverityWarn
		f.Message = jh.Error() + ", so Java tools that read it fail; the JDKs found elsewhere were checked"
		f.Fix = r.Command
	default:
		f.ID, f.Severity = IDTrustSkipped, SeverityInfo
		f.Message = "the " + r.Store + " store was not checked (" + string(r.State) + ")"
		if r.Reason != "" {
			f.Message = "the " + r.Store + " store was not checked: " + r.Reason
		}
		f.Fix = r.Command
	}
	if f.Severity.Problem() && !selected {
		f.Severity = SeverityInfo
		f.Message += " (" + trust.EnvStores + " leaves the " + r.Store + " store out)"
	}
	return f
}
