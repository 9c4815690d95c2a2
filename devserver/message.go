package devserver

import (
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// Message types on the wire (peers/peerjs-server src/enums.ts, plus the
// override notice from the allow_override_connect proposal).
const (
	typeOpen       = "OPEN"
	typeError      = "ERROR"
	typeIDTaken    = "ID-TAKEN"
	typeHeartbeat  = "HEARTBEAT"
	typeOffer      = "OFFER"
	typeAnswer     = "ANSWER"
	typeCandidate  = "CANDIDATE"
	typeLeave      = "LEAVE"
	typeExpire     = "EXPIRE"
	typeOverridden = "OVERRIDE_CONNECTION"
)

// Error texts, byte for byte as peerjs-server sends them: clients show them
// to users and tests compare them.
const (
	msgMissingParams = "No id, token, or key supplied to websocket server"
	msgInvalidKey    = "Invalid key provided"
	msgLimit         = "Server has reached its concurrent user limit"
	msgIDTaken       = "ID is taken"
	msgOverridden    = "Another connection took over this ID (the server runs with allow-override)"
)

// message is an inbound or relayed PeerJS message. Payload stays raw JSON so
// a relay passes it through byte for byte: the server has no business
// re-encoding SDP (and encoding/json would escape <, > and & in it).
type message struct {
	Type    string
	Src     string
	Dst     string
	Payload json.RawMessage // nil when the sender left it out
}

var (
	errNotObject   = errors.New("not a JSON object")
	errInvalidUTF8 = errors.New("invalid UTF-8")
)

// encode writes m as JSON.stringify would write upstream's rebuilt object:
// keys in the order type, src, dst, payload, and empty src/dst or an absent
// payload left out. The buffer comes from the frame pool; whoever ends up
// holding it (a send queue, an offline queue) gives it back with putBuf.
func (m message) encode() []byte {
	return m.appendTo(getBuf(48 + len(m.Type) + len(m.Src) + len(m.Dst) + len(m.Payload)))
}

func (m message) appendTo(b []byte) []byte {
	b = append(b, `{"type":`...)
	b = appendJSONString(b, m.Type)
	if m.Src != "" {
		b = append(b, `,"src":`...)
		b = appendJSONString(b, m.Src)
	}
	if m.Dst != "" {
		b = append(b, `,"dst":`...)
		b = appendJSONString(b, m.Dst)
	}
	if m.Payload != nil {
		b = append(b, `,"payload":`...)
		b = append(b, m.Payload...)
	}
	return append(b, '}')
}

// serverMessage is a message from the server itself: {"type":T} or
// {"type":T,"payload":{"msg":M}}.
func serverMessage(typ, msg string) []byte {
	m := message{Type: typ}
	if msg != "" {
		m.Payload = appendJSONString([]byte(`{"msg":`), msg)
		m.Payload = append(m.Payload, '}')
	}
	return m.encode()
}

// appendJSONString appends s as a JSON string without HTML escaping, which
// JSON.stringify does not do either: '"' and '\\' escaped, \b \t \n \f \r
// by name, other control bytes as \u00XX, and <, > and & as they are. The
// rest follows encoding/json with SetEscapeHTML(false), which this replaced
// (FuzzAppendJSONString holds it to that): invalid UTF-8 becomes U+FFFD and
// U+2028/U+2029 are escaped, so the output is valid JSON and JavaScript.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\t':
				b = append(b, '\\', 't')
			case '\n':
				b = append(b, '\\', 'n')
			case '\f':
				b = append(b, '\\', 'f')
			case '\r':
				b = append(b, '\\', 'r')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, "\\ufffd"...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// relayable reports whether upstream forwards messages of this type.
func relayable(typ string) bool {
	switch typ {
	case typeOffer, typeAnswer, typeCandidate, typeLeave, typeExpire:
		return true
	}
	return false
}
