package target

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
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
		got, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tc.in, err)
			continue
		}
		if got.Host != tc.host || got.Loopback() != tc.loopback {
			t.Errorf("Parse(%q) = %s loopback=%v, want %s loopback=%v", tc.in, got.Host, got.Loopback(), tc.host, tc.loopback)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for _, in := range []string{"", "0", "70000", "abc", "https://localhost:8000", "wss://localhost:8000",
		"ftp://localhost:21", "http://localhost:8000/api", "http://u:p@localhost:8000", "localhost:http"} {
		_, err := Parse(in)
		var te *Error
		if !errors.As(err, &te) || te.Hint() == "" {
			t.Errorf("Parse(%q) = %v, want an *Error with a hint", in, err)
		}
	}
}

func TestCleanPath(t *testing.T) {
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
}
