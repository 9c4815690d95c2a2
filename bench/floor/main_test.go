package main

import "testing"

func TestDstOf(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"type":"OFFER","dst":"peer-b","payload":{}}`, "peer-b"},
		{`{"type":"HEARTBEAT"}`, ""},
		{`{"type":"OFFER","dst":"unterminated`, ""},
		{`{"type":"OFFER","payload":{},"dst":"late"}`, "late"},
	}
	for _, tt := range tests {
		if got := dstOf([]byte(tt.in)); got != tt.want {
			t.Errorf("dstOf(%s) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
