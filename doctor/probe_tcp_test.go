package doctor

import (
	"strings"
	"testing"
)

func TestProbeRefusedPort(t *testing.T) {
	// A port that was just in use and is now closed refuses connections.
	ln := listen(t, "127.0.0.1:0")
	addr := ln.Addr().String()
	ln.Close()

	fs := Probe(t.Context(), "wss://"+addr+"/peerjs", testProbeOptions())
	f := mustFind(t, fs, IDTCPRefused)
	if f.Severity != SeverityError || len(fs) != 1 {
		t.Errorf("want a single tcp-refused error, got %v", describe(fs))
	}
	if f.Details["address"] != addr {
		t.Errorf("details address = %v, want %s", f.Details["address"], addr)
	}
}

func TestPortHint(t *testing.T) {
	for _, tc := range []struct {
		port      string
		wantUsual string // substring; "" means no hint
		wantFix   string
	}{
		{"443", "PeerJS client", "rtdev snippet peerjs"},
		{"9000", "rtdev serve", "rtdev serve"},
		{"5173", "vite", "rtdev snippet vite"},
		{"8765", "python-websockets", "rtdev snippet python-websockets"},
		{"47", "", ""},
	} {
		usual, fix := portHint(tc.port)
		if tc.wantUsual == "" {
			if usual != "" || fix != "" {
				t.Errorf("portHint(%s) = %q, %q; want none", tc.port, usual, fix)
			}
			continue
		}
		if !strings.Contains(usual, tc.wantUsual) || !strings.Contains(fix, tc.wantFix) {
			t.Errorf("portHint(%s) = %q, %q; want %q and %q in them", tc.port, usual, fix, tc.wantUsual, tc.wantFix)
		}
	}
}

func TestSnippetFix(t *testing.T) {
	for port, want := range map[string]string{"9000": "rtdev serve", "5173": "rtdev snippet vite", "8443": "rtdev snippet caddy", "1": "rtdev snippet --list"} {
		if got := snippetFix(port); got != want {
			t.Errorf("snippetFix(%s) = %q, want %q", port, got, want)
		}
	}
}
