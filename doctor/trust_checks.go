package doctor

import (
	"context"

	"github.com/rtdev/rtdev/ca"
	"github.com/rtdev/rtdev/trust"
)

// storeEffect says what a missing CA breaks, per store, so the message
// names the symptom the user actually sees.
var storeEffect = map[string]string{
	trust.StoreSystem: "tools that read the OS store (curl, Go, Python's ssl, Safari and Chrome outside Linux) reject rtdev certificates",
	// On Linux Chrome reads NSS (~/.pki/nssdb), not the system store, which
	// is the classic "works in Postman, ERR_CERT_AUTHORITY_INVALID in the
	// browser" report.
	trust.StoreNSS:  "Chromium and Firefox show ERR_CERT_AUTHORITY_INVALID (SEC_ERROR_UNKNOWN_ISSUER) and wss:// fails silently",
	trust.StoreJava: "Java clients fail with \"PKIX path building failed\"",
}

// checkTrust turns each trust store result into a finding.
func checkTrust(ctx context.Context, status TrustStatus, c *ca.CA) []Finding {
	results, err := status(ctx, c)
	if err != nil {
		return []Finding{{ID: IDTrustNotAvailable, Severity: SeverityWarn, Subject: "trust stores",
			Message: "the trust stores could not be checked: " + err.Error()}}
	}
	out := make([]Finding, 0, len(results))
	for _, r := range results {
		out = append(out, trustFinding(r))
	}
	return out
}

func trustFinding(r trust.Result) Finding {
	subject := r.Store
	if r.Location != "" {
		subject += " " + r.Location
	}
	details := map[string]any{"store": r.Store, "state": string(r.State)}
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
	switch r.State {
	case trust.Installed, trust.Already:
		f.ID, f.Severity = IDCATrusted, SeverityOK
		f.Message = "the rtdev CA is trusted by the " + r.Store + " store"
	case trust.Missing:
		f.ID, f.Severity = IDCANotTrusted, SeverityError
		f.Message = "the rtdev CA is not trusted by the " + r.Store + " store, so " + effect(r.Store)
		f.Fix = fixTrust + " --store " + r.Store
	case trust.Failed:
		f.ID, f.Severity = IDTrustCheckFailed, SeverityError
		f.Message = "checking the " + r.Store + " store failed"
		if r.Err != nil {
			f.Message += ": " + r.Err.Error()
		}
		f.Fix = r.Command
		if r.Output != "" {
			details["output"] = r.Output
		}
	default:
		f.ID, f.Severity = IDTrustSkipped, SeverityInfo
		f.Message = "the " + r.Store + " store was not checked (" + string(r.State) + ")"
		if r.Reason != "" {
			f.Message = "the " + r.Store + " store was not checked: " + r.Reason
		}
		f.Fix = r.Command
	}
	return f
}

func effect(store string) string {
	if e, ok := storeEffect[store]; ok {
		return e
	}
	return "programs reading it reject rtdev certificates"
}
