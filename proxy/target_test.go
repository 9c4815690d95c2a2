package proxy

import (
	"errors"
	"testing"
)

func TestParseTarget(t *testing.T) {
	for _, tc := range []struct {
		in, host string
		loopback bool
	}{
		{"8000", "127.0.0.1:8000", true},
		{":8000", "127.0.0.1:8000", true},
		{"localhost:3000", "localhost:3000", true},
		{"127.0.0.2:3000", "127.0.0.2:3000", true},
		{"[::1]:8765", "[::1]:8765", true},
		{"http://127.0.0.1:8000", "127.0.0.1:8000", true},
		{"ws://localhost:8080/", "localhost:8080", true},
		{"http://localhost", "localhost:80", true},
		{"192.168.1.20:8000", "192.168.1.20:8000", false},
		{"http://backend:8000", "backend:8000", false},
		{"ws://[fe80::1]:9000", "[fe80::1]:9000", false},
	} {
		got, err := ParseTarget(tc.in)
		if err != nil {
			t.Errorf("ParseTarget(%q): %v", tc.in, err)
			continue
		}
		if got.Host != tc.host || got.Loopback() != tc.loopback {
			t.Errorf("ParseTarget(%q) = %s loopback=%v, want %s loopback=%v", tc.in, got.Host, got.Loopback(), tc.host, tc.loopback)
		}
	}
}

func TestParseTargetRefuses(t *testing.T) {
	for _, in := range []string{"", "0", "70000", "abc", "https://localhost:8000", "wss://localhost:8000",
		"ftp://localhost:21", "http://localhost:8000/api", "http://u:p@localhost:8000", "localhost:http"} {
		_, err := ParseTarget(in)
		var te *TargetError
		if !errors.As(err, &te) || te.Hint() == "" {
			t.Errorf("ParseTarget(%q) = %v, want a *TargetError with a hint", in, err)
		}
	}
}

func TestCleanPathAndMatch(t *testing.T) {
	for in, want := range map[string]string{"": "/", "/": "/", "//": "/", "/api/": "/api", "/connection/websocket": "/connection/websocket"} {
		if got, err := CleanPath(in); err != nil || got != want {
			t.Errorf("CleanPath(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"api", "/a?b", "/a#b"} {
		if _, err := CleanPath(in); err == nil {
			t.Errorf("CleanPath(%q) accepted", in)
		}
	}
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
	tg := Target{Host: "127.0.0.1:1"}
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
