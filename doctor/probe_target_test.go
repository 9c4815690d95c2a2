package doctor

import "testing"

func TestParseTarget(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Target
		wantURL string
		wantErr bool
	}{
		{in: "https://localhost:9000/", want: Target{"https", "localhost", "9000", "/"}, wantURL: "https://localhost:9000/"},
		{in: "wss://127.0.0.1:9000/peerjs?key=peerjs", want: Target{"wss", "127.0.0.1", "9000", "/peerjs?key=peerjs"}, wantURL: "wss://127.0.0.1:9000/peerjs?key=peerjs"},
		{in: "http://[::1]:8080", want: Target{"http", "::1", "8080", "/"}, wantURL: "http://[::1]:8080/"},
		{in: "WS://app.localhost", want: Target{"ws", "app.localhost", "80", "/"}, wantURL: "ws://app.localhost:80/"},
		{in: "wss://example.test", want: Target{"wss", "example.test", "443", "/"}},
		{in: "localhost:5173", want: Target{"https", "localhost", "5173", "/"}, wantURL: "https://localhost:5173/"},
		{in: " 192.168.1.20:9000/app ", want: Target{"https", "192.168.1.20", "9000", "/app"}},
		{in: ":9000", want: Target{"https", "localhost", "9000", "/"}},
		{in: "", wantErr: true},
		{in: "ftp://localhost:21", wantErr: true},
		{in: "https://localhost:99999", wantErr: true},
		{in: "https://localhost:abc", wantErr: true},
		{in: "https://", wantErr: true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseTarget(tc.in)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("ParseTarget(%q) = %+v, want an error", tc.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseTarget(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Errorf("ParseTarget(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
			if tc.wantURL != "" && got.String() != tc.wantURL {
				t.Errorf("String() = %q, want %q", got.String(), tc.wantURL)
			}
		})
	}
}

func TestProbeInvalidTarget(t *testing.T) {
	fs := Probe(t.Context(), "gopher://localhost:70", testProbeOptions())
	f := mustFind(t, fs, IDTargetInvalid)
	if f.Severity != SeverityError || len(fs) != 1 {
		t.Errorf("findings %v", describe(fs))
	}
}
