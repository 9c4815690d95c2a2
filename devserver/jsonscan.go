package devserver

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// maxJSONDepth is encoding/json's nesting limit (scanner.go maxNestingDepth),
// counting the frame's own object. Keeping it means a frame this scanner
// accepts is exactly one encoding/json accepts (FuzzDecodeMatchesStdlib).
const maxJSONDepth = 10000

var (
	errSyntax  = errors.New("invalid JSON")
	errTooDeep = errors.New("JSON nested too deeply")
)

// jsonScanner validates JSON in place, one pass, no allocation unless the
// nesting is deeper than its inline stack. It follows RFC 8259's grammar
// as encoding/json does, and also checks that strings are valid UTF-8.
type jsonScanner struct {
	data []byte
	i    int
}

// skipSpace steps over RFC 8259 whitespace.
func (s *jsonScanner) skipSpace() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// peek returns the next byte, or 0 at the end (never valid there).
func (s *jsonScanner) peek() byte {
	if s.i < len(s.data) {
		return s.data[s.i]
	}
	return 0
}

// SWAR masks for scanning a string 8 bytes at a time.
const (
	swarOnes = 0x0101010101010101
	swarHigh = 0x8080808080808080
)

// special reports whether the 8 bytes in w hold a byte that ends the fast
// path of a string: a control byte (< 0x20), '"', '\\' or a non-ASCII byte.
// The zero-byte test can flag a byte next to a real match, never a word
// without one, which is all the caller needs.
func special(w uint64) bool {
	const lt20 = swarOnes * 0x20
	quote := w ^ (swarOnes * '"')
	bslash := w ^ (swarOnes * '\\')
	return ((w-lt20)|(quote-swarOnes)|(bslash-swarOnes)|w)&swarHigh != 0
}

// str scans a string whose opening quote is at s.i and returns its content
// (between the quotes, still escaped) and whether it has escapes.
func (s *jsonScanner) str() (raw []byte, escaped bool, err error) {
	s.i++ // the opening quote
	start := s.i
	d := s.data
	for {
		for s.i+8 <= len(d) && !special(binary.LittleEndian.Uint64(d[s.i:])) {
			s.i += 8
		}
		if s.i >= len(d) {
			return nil, false, errSyntax
		}
		switch c := d[s.i]; {
		case c == '"':
			raw = d[start:s.i]
			s.i++
			return raw, escaped, nil
		case c == '\\':
			escaped = true
			if err := s.escape(); err != nil {
				return nil, false, err
			}
		case c < 0x20:
			return nil, false, errSyntax
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(d[s.i:])
			if r == utf8.RuneError && size == 1 {
				return nil, false, errInvalidUTF8
			}
			s.i += size
		default:
			s.i++
		}
	}
}

// escape checks the escape sequence at s.i (RFC 8259 section 7).
func (s *jsonScanner) escape() error {
	d := s.data
	if s.i+1 >= len(d) {
		return errSyntax
	}
	switch d[s.i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		s.i += 2
		return nil
	case 'u':
		if s.i+6 > len(d) {
			return errSyntax
		}
		for _, h := range d[s.i+2 : s.i+6] {
			if !isHex(h) {
				return errSyntax
			}
		}
		s.i += 6
		return nil
	}
	return errSyntax
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// number scans -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? at s.i.
func (s *jsonScanner) number() error {
	if s.peek() == '-' {
		s.i++
	}
	switch c := s.peek(); {
	case c == '0':
		s.i++
	case '1' <= c && c <= '9':
		s.digits()
	default:
		return errSyntax
	}
	if s.peek() == '.' {
		s.i++
		if !isDigit(s.peek()) {
			return errSyntax
		}
		s.digits()
	}
	if c := s.peek(); c == 'e' || c == 'E' {
		s.i++
		if c := s.peek(); c == '+' || c == '-' {
			s.i++
		}
		if !isDigit(s.peek()) {
			return errSyntax
		}
		s.digits()
	}
	return nil
}

func (s *jsonScanner) digits() {
	for isDigit(s.peek()) {
		s.i++
	}
}

// literal scans true, false or null at s.i.
func (s *jsonScanner) literal(word string) error {
	if len(s.data)-s.i < len(word) || string(s.data[s.i:s.i+len(word)]) != word {
		return errSyntax
	}
	s.i += len(word)
	return nil
}

// value scans one value at s.i (no leading space) inside containers already
// depth deep. Nested containers are tracked on an explicit stack, not by
// recursion, so a deeply nested frame costs no goroutine stack.
func (s *jsonScanner) value(depth int) error {
	var inline [32]byte
	open := inline[:0] // '{' or '[' for each container entered here
	for {
		// A value starts at s.i.
		switch c := s.peek(); c {
		case '{', '[':
			if depth+len(open)+1 > maxJSONDepth {
				return errTooDeep
			}
			s.i++
			s.skipSpace()
			if s.peek() == c+2 { // '}' is '{'+2, ']' is '['+2
				s.i++
				break
			}
			open = append(open, c)
			if c == '{' {
				if err := s.memberName(); err != nil {
					return err
				}
			}
			continue
		case '"':
			if _, _, err := s.str(); err != nil {
				return err
			}
		case 't':
			if err := s.literal("true"); err != nil {
				return err
			}
		case 'f':
			if err := s.literal("false"); err != nil {
				return err
			}
		case 'n':
			if err := s.literal("null"); err != nil {
				return err
			}
		default:
			if err := s.number(); err != nil {
				return err
			}
		}
		// A value ended: close containers until one wants another element.
		for {
			if len(open) == 0 {
				return nil
			}
			s.skipSpace()
			top := open[len(open)-1]
			c := s.peek()
			if c == ',' {
				s.i++
				s.skipSpace()
				if top == '{' {
					if err := s.memberName(); err != nil {
						return err
					}
				}
				break
			}
			if c != top+2 {
				return errSyntax
			}
			s.i++
			open = open[:len(open)-1]
		}
	}
}

// memberName scans `"name" :` and the space after it, leaving s.i at the
// member's value.
func (s *jsonScanner) memberName() error {
	if s.peek() != '"' {
		return errSyntax
	}
	if _, _, err := s.str(); err != nil {
		return err
	}
	s.skipSpace()
	if s.peek() != ':' {
		return errSyntax
	}
	s.i++
	s.skipSpace()
	return nil
}

// unquote returns a scanned string's content decoded. Without escapes it
// is the bytes themselves; with them (rare in PeerJS frames) encoding/json
// decodes it, so lone surrogates become U+FFFD exactly as before.
func unquote(raw []byte, escaped bool) string {
	if !escaped {
		return string(raw)
	}
	quoted := make([]byte, 0, len(raw)+2)
	quoted = append(append(append(quoted, '"'), raw...), '"')
	var out string
	_ = json.Unmarshal(quoted, &out) // the scanner has validated it
	return out
}
