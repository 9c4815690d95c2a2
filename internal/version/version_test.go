package version

import (
	"runtime/debug"
	"testing"
)

func TestIsDev(t *testing.T) {
	for v, dev := range map[string]bool{
		"1.2.3":                                false,
		"v1.2.3":                               false,
		"1.2.3-rc.1":                           false,
		"0.0.0-dev":                            true,
		"0.0.0-dev.1a2b3c4d5e6f":               true,
		"0.0.0-dev.1a2b3c4d5e6f.dirty":         true,
		"1.2.3-dirty":                          true,
		"1.2.3-4-g1a2b3c4":                     true,
		"1.2.3-4-g1a2b3c4-dirty":               true,
		"v0.0.0-20260101120000-abcdef123456":   true,
		"v1.2.4-0.20260101120000-abcdef123456": true,
		"v1.2.4-0.20260101120000-abcdef123456+dirty": true,
		"devel":    true,
		"":         true,
		"1.2":      true,
		"01.2.3":   true,
		"1.2.3-01": true,
	} {
		if got := IsDev(v); got != dev {
			t.Errorf("IsDev(%q) = %v, want %v", v, got, dev)
		}
	}
}

func TestString(t *testing.T) {
	defer func(s string, r func() (*debug.BuildInfo, bool)) { stamp, readBuildInfo = s, r }(stamp, readBuildInfo)
	info := func(v string) func() (*debug.BuildInfo, bool) {
		return func() (*debug.BuildInfo, bool) {
			return &debug.BuildInfo{Main: debug.Module{Path: ModulePath, Version: v}}, true
		}
	}
	for _, tc := range []struct{ stamp, module, want, wantModule string }{
		{"1.2.3", "", "1.2.3", ""},
		{"v1.2.3", "v1.2.3", "1.2.3", "v1.2.3"},
		{"", "v1.4.0", "1.4.0", "v1.4.0"},
		{"", "(devel)", Dev, ""},
		{"", "", Dev, ""},
	} {
		stamp, readBuildInfo = tc.stamp, info(tc.module)
		if got := String(); got != tc.want {
			t.Errorf("stamp %q module %q: String() = %q, want %q", tc.stamp, tc.module, got, tc.want)
		}
		if got := Module(); got != tc.wantModule {
			t.Errorf("module %q: Module() = %q, want %q", tc.module, got, tc.wantModule)
		}
	}
}
