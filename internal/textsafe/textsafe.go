package textsafe

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Terminal returns s with every rune that a terminal would act on rather
// than show replaced by a visible escape: C0 controls (ESC starts the OSC 52
// clipboard write and colour changes), DEL, C1 controls (U+0080–U+009F; CSI
// is U+009B), invalid UTF-8, line and paragraph separators, and the
// bidirectional embeddings, overrides and isolates that reorder what
// follows (the "Trojan Source" characters, CVE-2021-42574). Newline and
// tab are escaped too, so one value never forges a second line.
//
// Everything untrusted that rtdev prints goes through it: peer ids,
// destinations, origins and paths in the server log; names from a probed
// server's certificate in doctor's report; names from a committed
// rtdev.toml.
func Terminal(s string) string {
	i := strings.IndexFunc(s, needsEscape)
	if i < 0 && utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[0])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		case needsEscape(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[:size])
		}
		s = s[size:]
	}
	return b.String()
}

// Plain reports whether s is valid UTF-8 that Terminal leaves as it is:
// the test for names that must be text (PeerJS ids and tokens).
func Plain(s string) bool {
	return utf8.ValidString(s) && strings.IndexFunc(s, needsEscape) < 0
}

// needsEscape reports whether r must not reach a terminal as itself.
func needsEscape(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x2028, r == 0x2029: // line and paragraph separators
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069: // bidi embeddings, overrides, isolates
		return true
	case r == 0x200e, r == 0x200f, r == 0x061c: // bidi marks
		return true
	}
	return false
}
