package cmd

import "testing"

func TestIsOrigin(t *testing.T) {
	for s, want := range map[string]bool{
		"https://localhost:5173":    true,
		"http://192.168.1.20:5173/": true,
		"https://[::1]:5173":        true,
		"localhost:5173":            false, // scheme-less: url.Parse reads localhost as the scheme
		"https://localhost/app":     false,
		"https://u@localhost":       false,
		"https://localhost?x=1":     false,
		"ws://localhost:9000":       false,
		"https://":                  false,
	} {
		if got := isOrigin(s); got != want {
			t.Errorf("isOrigin(%q) = %v, want %v", s, got, want)
		}
	}
}
