package ui

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

// TestLoggersEscape: an OSC 52 clipboard write in a peer id reaches no
// log format raw: the styled handler, the plain text one, and JSON.
func TestLoggersEscape(t *testing.T) {
	hostile := "al\x1b]52;c;cHduZWQ=\x07ce\u202e"
	for _, tc := range []struct {
		name  string
		color bool
		fmt   string
	}{{"styled", true, "text"}, {"plain", false, "text"}, {"json", false, "json"}} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			ios := &IOStreams{ErrOut: &buf, ErrTTY: tc.color}
			log := NewLogger(ios, tc.fmt, slog.LevelInfo)
			log.Info("peer "+hostile, "id", hostile, slog.Group("g", "dst", hostile))
			out := buf.String()
			if strings.ContainsAny(out, "\x1b\x07\u202e") && !tc.color {
				t.Fatalf("%s log holds a raw control: %q", tc.name, out)
			}
			if tc.color && (strings.Contains(out, "\x1b]52") || strings.ContainsAny(out, "\x07\u202e")) {
				t.Fatalf("styled log holds a raw control: %q", out)
			}
		})
	}
}
