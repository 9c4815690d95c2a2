package proxy

import (
	"testing"

	"github.com/rtdev/rtdev/internal/target"
)

func TestMatches(t *testing.T) {
	for _, tc := range []struct {
		route, path string
		want        bool
	}{
		{"/", "/anything", true}, {"/api", "/api", true}, {"/api", "/api/x", true}, {"/api", "/apix", false}, {"/api", "/", false},
	} {
		if got := matches(tc.route, tc.path); got != tc.want {
			t.Errorf("matches(%q, %q) = %v", tc.route, tc.path, got)
		}
	}
}

func TestConfigRefuses(t *testing.T) {
	tg := target.Target{Host: "127.0.0.1:1"}
	for name, cfg := range map[string]Config{
		"no routes":     {},
		"no target":     {Routes: []Route{{Path: "/"}}},
		"same path":     {Routes: []Route{{Path: "/api", Target: tg}, {Path: "/api/", Target: tg}}},
		"negative size": {Routes: []Route{{Target: tg}}, MaxMessageBytes: -1},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: New accepted %+v", name, cfg)
		}
	}
	s, err := New(Config{Routes: []Route{{Path: "/", Target: tg}, {Path: "/api", Target: tg}}})
	if err != nil {
		t.Fatal(err)
	}
	c := s.Config()
	if c.Routes[0].Path != "/api" || c.MaxMessageBytes != DefaultMaxMessageBytes || c.IdleTimeout != DefaultIdleTimeout {
		t.Errorf("defaults or route order not applied: %+v", c)
	}
}
