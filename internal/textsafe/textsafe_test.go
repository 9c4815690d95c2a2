package textsafe

import (
	"strings"
	"testing"
	"unicode"
)

func TestTerminal(t *testing.T) {
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
		if got := Terminal(in); got != want {
			t.Errorf("Terminal(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzTerminal: whatever goes in, nothing a terminal acts on comes out.
func FuzzTerminal(f *testing.F) {
	for _, s := range []string{"", "a", "\x1b[31m", "\xff", "\u202e", "日本\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Terminal(s)
		for _, r := range out {
			if needsEscape(r) || r == unicode.ReplacementChar && !strings.ContainsRune(s, unicode.ReplacementChar) {
				t.Fatalf("Terminal(%q) = %q holds %U", s, out, r)
			}
		}
	})
}
