package doctor

import (
	"strings"
	"testing"
)

func TestCheckCompose(t *testing.T) {
	base := ComposeUse{Main: "compose.yaml", Services: []string{"api", "web"}, OverrideExists: true, Covered: []string{"api", "web"}, Listed: true, From: ".env"}
	for _, tc := range []struct {
		name string
		edit func(*ComposeUse)
		want string // a problem's message part, "" for all well
	}{
		{"in use", func(*ComposeUse) {}, ""},
		{"no compose file", func(u *ComposeUse) { *u = ComposeUse{} }, "-"},
		{"no override", func(u *ComposeUse) { u.OverrideExists = false }, "there is no compose.rtdev.yaml"},
		{"a service added since", func(u *ComposeUse) { u.Services = append(u.Services, "worker") }, "service worker is not in compose.rtdev.yaml"},
		{"not listed anywhere", func(u *ComposeUse) { u.Listed, u.From = false, "" }, "no COMPOSE_FILE names it"},
		{"listed without compose.override.yaml", func(u *ComposeUse) { u.DropsOverride = true }, "but not compose.override.yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := base
			u.Services = append([]string{}, base.Services...)
			tc.edit(&u)
			fs := CheckCompose(u)
			if tc.want == "-" {
				if len(fs) != 0 {
					t.Errorf("findings %+v, want none", fs)
				}
				return
			}
			var problems []Finding
			for _, f := range fs {
				if f.Severity.Problem() {
					problems = append(problems, f)
				}
			}
			if tc.want == "" {
				if len(problems) != 0 || len(fs) != 1 {
					t.Errorf("findings %+v, want one ok", fs)
				}
				return
			}
			if len(problems) != 1 || !strings.Contains(problems[0].Message, tc.want) || problems[0].Fix != "rtdev snippet compose --write" {
				t.Errorf("findings %+v, want one problem saying %q with the snippet's fix", fs, tc.want)
			}
		})
	}
}
