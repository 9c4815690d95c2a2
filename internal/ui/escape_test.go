package ui

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"unicode"
)

func TestPrintable(t *testing.T) {
	for in, want := range map[string]string{
		"alice":                  "alice",
		"bücher.test 日本":         "bücher.test 日本",
		"\x1b]52;c;aGVsbG8=\x07": `\x1b]52;c;aGVsbG8=\x07`,
		"a\nb\tc\rd":             `a\nb\tc\rd`,
		"al\xffce":               `al\xffce`,
		"x\u009b31m":             `x\u009b31m`,
		"safe\u202eexe.txt":      `safe\u202eexe.txt`,
		"\u2066iso\u2069":        `\u2066iso\u2069`,
		"del\x7f":                `del\x7f`,
		"line\u2028sep":          `line\u2028sep`,
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzPrintable: whatever goes in, nothing a terminal acts on comes out.
func FuzzPrintable(f *testing.F) {
	for _, s := range []string{"", "a", "\x1b[31m", "\xff", "\u202e", "日本\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Printable(s)
		for _, r := range out {
			if needsEscape(r) || r == unicode.ReplacementChar && !strings.ContainsRune(s, unicode.ReplacementChar) {
				t.Fatalf("Printable(%q) = %q holds %U", s, out, r)
			}
		}
	})
}

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
