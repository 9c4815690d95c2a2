package doctor

import (
	"encoding/json"
	"testing"
)

// TestReportJSON pins the --json document: field names, their order,
// omitted empties and the problem count are a documented contract (the
// README's "rtdev doctor --json" section).
func TestReportJSON(t *testing.T) {
	for _, tc := range []struct {
		name     string
		findings []Finding
		want     string
		problems bool
	}{
		{"empty", nil, `{"version":1,"findings":[],"problems":0}`, false},
		{"ok and info", []Finding{
			{ID: IDCAOK, Severity: SeverityOK, Subject: "/ca/ca.pem", Message: "fine"},
			{ID: IDRuntimeTrustUnset, Severity: SeverityInfo, Subject: "environment", Message: "unset", Fix: fixEnv},
		}, `{"version":1,"findings":[{"id":"ca-ok","severity":"ok","subject":"/ca/ca.pem","message":"fine"},` +
			`{"id":"runtime-trust-unset","severity":"info","subject":"environment","message":"unset","fix":"eval \"$(rtdev env)\""}],"problems":0}`, false},
		{"warn and error", []Finding{
			{ID: IDLeafRenewalDue, Severity: SeverityWarn, Subject: "c", Message: "m"},
			{ID: IDCertNameMismatch, Severity: SeverityError, Subject: "https://127.0.0.2:9000/", Message: "m", Fix: "rtdev init --host 127.0.0.2",
				Details: map[string]any{"names": []string{"localhost"}, "host": "127.0.0.2"}},
		}, `{"version":1,"findings":[{"id":"leaf-renewal-due","severity":"warn","subject":"c","message":"m"},` +
			`{"id":"cert-name-mismatch","severity":"error","subject":"https://127.0.0.2:9000/","message":"m","fix":"rtdev init --host 127.0.0.2",` +
			`"details":{"host":"127.0.0.2","names":["localhost"]}}],"problems":2}`, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := NewReport(tc.findings)
			got, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("JSON\n got %s\nwant %s", got, tc.want)
			}
			if r.HasProblems() != tc.problems {
				t.Errorf("HasProblems = %v, want %v", r.HasProblems(), tc.problems)
			}
		})
	}
}

func TestNewReportJoinsLists(t *testing.T) {
	r := NewReport([]Finding{{ID: "a", Severity: SeverityError}}, nil, []Finding{{ID: "b", Severity: SeverityOK}, {ID: "c", Severity: SeverityWarn}})
	if len(r.Findings) != 3 || r.Problems != 2 || r.Findings[2].ID != "c" {
		t.Errorf("report %+v", r)
	}
}
