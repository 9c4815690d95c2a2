package ca

import (
	"strings"
	"testing"
	"time"
)

func TestParseValidity(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"14d", 14 * day, ""},
		{"90d", 90 * day, ""},
		{"1y", 365 * day, ""},
		{"2w", 14 * day, ""},
		{"12h", 12 * time.Hour, ""},
		{" 30D ", 30 * day, ""},
		{"825d", MaxValidity, ""},
		{"826d", 0, "825 days"},
		{"3y", 0, "825 days"},
		{"99999999999y", 0, "invalid validity"},
		{"0d", 0, "positive"},
		{"-1d", 0, "invalid validity"},
		{"d", 0, "invalid validity"},
		{"", 0, "invalid validity"},
		{"90", 0, "invalid validity"},
		{"3m", 0, "invalid validity"},
		{"1.5d", 0, "invalid validity"},
		{"90 days", 0, "invalid validity"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseValidity(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), strings.TrimSpace(tt.in)) {
					t.Fatalf("ParseValidity(%q) = %v, %v; want an error with %q naming the value", tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseValidity(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseKeyType(t *testing.T) {
	tests := map[string]KeyType{"": ECDSA, "ecdsa": ECDSA, "ECDSA": ECDSA, "ec": ECDSA, "P-256": ECDSA, "p256": ECDSA, "rsa": RSA, "RSA": RSA, " rsa2048 ": RSA}
	for in, want := range tests {
		if got, err := ParseKeyType(in); err != nil || got != want {
			t.Errorf("ParseKeyType(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"dsa", "ed25519", "rsa4096"} {
		if _, err := ParseKeyType(bad); err == nil || !strings.Contains(err.Error(), bad) {
			t.Errorf("ParseKeyType(%q) = %v, want an error naming it", bad, err)
		}
	}
}
