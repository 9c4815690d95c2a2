package doctor

import (
	"fmt"
	"strconv"

	"github.com/rtdev/rtdev/trust"
)

// FlatpakBrowsers lists the Flatpak builds of Chromium and Chrome installed
// on the machine, each with the NSS database its sandbox opens, after the
// manifest's permissions and the override files (trust.FlatpakBrowsers).
type FlatpakBrowsers func() []trust.FlatpakBrowser

// checkFlatpak reports each installed Flatpak browser that opens no NSS
// database rtdev writes. Since Chromium 146 every Flatpak build opens one in
// the app's own folder, which rtdev trust install covers, so only an older
// build that sees neither the host's ~/.pki nor a persisted one is left: it
// keeps the database on the sandbox's temporary home and loses the CA at
// every exit. A browser with a database rtdev writes gets no finding here;
// the nss store's findings say whether that database trusts the CA. As for
// the stores, the problem is info when RTDEV_TRUST_STORES leaves nss out.
func checkFlatpak(list FlatpakBrowsers, getenv func(string) string) []Finding {
	sel, err := trust.ParseSelection(getenv(trust.EnvStores))
	selected := err != nil || StoreStatus{Selection: sel}.Selected(trust.StoreNSS)
	var out []Finding
	for _, b := range list() {
		if b.DB != "" {
			continue
		}
		version := "before 146"
		if b.Version > 0 {
			version = strconv.Itoa(b.Version)
		}
		f := Finding{
			ID: IDFlatpakNoNSSDB, Severity: SeverityWarn, Subject: "flatpak " + b.ID,
			Message: fmt.Sprintf("Flatpak %s %s (%s) keeps its NSS database in the sandbox's temporary home, "+
				"so it forgets the rtdev CA whenever it quits and shows ERR_CERT_AUTHORITY_INVALID; "+
				"give it a folder that persists, then run %s", b.Name, version, b.ID, fixTrust),
			Fix:     b.Fix,
			Details: map[string]any{"app": b.ID, "version": b.Version, "installation": b.App, "selected": selected},
		}
		if !selected {
			f.Severity = SeverityInfo
			f.Message += " (" + trust.EnvStores + " leaves the " + trust.StoreNSS + " store out)"
		}
		out = append(out, f)
	}
	return out
}
