package doctor

import (
	"fmt"
	"slices"
	"strings"
)

// ComposeUse is what cmd reads of the project's compose setup (package
// compose), so doctor reports it without linking a compose library.
type ComposeUse struct {
	Main           string
	Services       []string
	OverrideExists bool
	Covered        []string
	Listed         bool
	From           string
	DropsOverride  bool
}

// composeFix writes the override and COMPOSE_FILE in .env.
const composeFix = "rtdev snippet compose --write"

// CheckCompose says, for a project with a compose file, whether its
// services use the override: the file is there, names every service, and
// COMPOSE_FILE (the environment's, or .env's) lists it beside every file
// Compose would load.
func CheckCompose(u ComposeUse) []Finding {
	if u.Main == "" {
		return nil
	}
	const subject = "compose.rtdev.yaml"
	if !u.OverrideExists {
		return []Finding{{ID: IDComposeOverride, Severity: SeverityWarn, Subject: u.Main,
			Message: fmt.Sprintf("the services of %s (%s) do not get the rtdev CA or host.docker.internal: there is no compose.rtdev.yaml", u.Main, strings.Join(u.Services, ", ")),
			Fix:     composeFix}}
	}
	var out []Finding
	for _, s := range u.Services {
		if !slices.Contains(u.Covered, s) {
			out = append(out, Finding{ID: IDComposeOverride, Severity: SeverityWarn, Subject: subject,
				Message: fmt.Sprintf("service %s is not in compose.rtdev.yaml, which was written before it was added", s),
				Fix:     composeFix, Details: map[string]any{"service": s}})
		}
	}
	switch {
	case !u.Listed && u.From == "":
		out = append(out, Finding{ID: IDComposeOverride, Severity: SeverityWarn, Subject: subject,
			Message: "docker compose does not read compose.rtdev.yaml: no COMPOSE_FILE names it (in the environment or .env)",
			Fix:     composeFix})
	case !u.Listed:
		out = append(out, Finding{ID: IDComposeOverride, Severity: SeverityWarn, Subject: subject,
			Message: "docker compose does not read compose.rtdev.yaml: COMPOSE_FILE in " + u.From + " leaves it out",
			Fix:     composeFix})
	case u.DropsOverride:
		out = append(out, Finding{ID: IDComposeOverride, Severity: SeverityWarn, Subject: subject,
			Message: "COMPOSE_FILE in " + u.From + " lists compose.rtdev.yaml but not compose.override.yaml, which Compose then no longer loads",
			Fix:     composeFix})
	}
	if len(out) > 0 {
		return out
	}
	return []Finding{{ID: IDComposeOverride, Severity: SeverityOK, Subject: subject,
		Message: fmt.Sprintf("compose services %s use compose.rtdev.yaml (COMPOSE_FILE in %s)", strings.Join(u.Services, ", "), u.From)}}
}
