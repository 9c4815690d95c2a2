package devserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
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

// decode parses one inbound frame. Only "type", "dst" and "payload" are
// read: the server stamps "src" itself and drops every other field, as
// upstream does. Keys match exactly (encoding/json alone would also accept
// "Type"; JSON.parse does not). A "type" or "dst" that is not a string reads
// as absent, so the message is ignored or dropped rather than guessed at.
func decode(data []byte) (message, error) {
	if !utf8.Valid(data) {
		return message{}, fmt.Errorf("decode message: %w", errInvalidUTF8)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return message{}, fmt.Errorf("decode message: %w", err)
	}
	if fields == nil {
		return message{}, fmt.Errorf("decode message: %w", errNotObject)
	}
	m := message{Type: rawString(fields["type"]), Dst: rawString(fields["dst"])}
	if p, ok := fields["payload"]; ok {
		m.Payload = p
	}
	return m, nil
}

// rawString returns raw as a string if it is a JSON string, else "".
func rawString(raw json.RawMessage) string {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// encode writes m as JSON.stringify would write upstream's rebuilt object:
// keys in the order type, src, dst, payload, and empty src/dst or an absent
// payload left out.
func (m message) encode() []byte {
	b := make([]byte, 0, 48+len(m.Type)+len(m.Src)+len(m.Dst)+len(m.Payload))
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
// JSON.stringify does not do either.
func appendJSONString(b []byte, s string) []byte {
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c >= utf8.RuneSelf {
			plain = false
			break
		}
	}
	if plain {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a Go string always encodes
	return append(b, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...)
}

// relayable reports whether upstream forwards messages of this type.
func relayable(typ string) bool {
	switch typ {
	case typeOffer, typeAnswer, typeCandidate, typeLeave, typeExpire:
		return true
	}
	return false
}
