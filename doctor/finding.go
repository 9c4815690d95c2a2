package doctor

import "slices"

// Severity ranks a Finding. Only SeverityWarn and SeverityError count as
// problems (exit status 3 in cmd).
type Severity string

// Severities, from fine to broken.
const (
	SeverityOK    Severity = "ok"
	SeverityInfo  Severity = "info"
	SeverityWarn  Severity = "warn"
	SeverityError Severity = "error"
)

// Problem reports whether s is something the user has to act on.
func (s Severity) Problem() bool { return s == SeverityWarn || s == SeverityError }

// Finding is one observation, good or bad. Its JSON form is part of the
// `rtdev doctor --json` contract (documented in the README): ID values and
// Details keys are never renamed, only added.
type Finding struct {
	// ID is stable and kebab-case: one of the ID* constants.
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	// Subject is the file, trust store location or URL the finding is about.
	Subject string `json:"subject"`
	// Message is one sentence, without the fix.
	Message string `json:"message"`
	// Fix is a command or snippet that resolves it, when there is one.
	Fix string `json:"fix,omitempty"`
	// Details holds the facts behind the message (names, dates, status
	// codes) as strings, numbers, booleans or string lists.
	Details map[string]any `json:"details,omitempty"`
}

// ReportVersion is the version of the JSON document; it changes only if a
// field changes meaning or disappears.
const ReportVersion = 1

// Report is what `rtdev doctor --json` prints.
type Report struct {
	Version  int       `json:"version"`
	Findings []Finding `json:"findings"`
	// Problems counts the findings with severity warn or error.
	Problems int `json:"problems"`
}

// NewReport gathers findings into a Report and counts its problems. A nil
// list becomes an empty one so the JSON always has an array.
func NewReport(findings ...[]Finding) Report {
	r := Report{Version: ReportVersion, Findings: []Finding{}}
	for _, fs := range findings {
		r.Findings = append(r.Findings, fs...)
	}
	for _, f := range r.Findings {
		if f.Severity.Problem() {
			r.Problems++
		}
	}
	return r
}

// HasProblems reports whether any finding is a warning or an error.
func (r Report) HasProblems() bool { return hasProblem(r.Findings) }

func hasProblem(fs []Finding) bool {
	return slices.ContainsFunc(fs, func(f Finding) bool { return f.Severity.Problem() })
}
