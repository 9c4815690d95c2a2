//go:build !rtdev_stdjson

package devserver

import (
	"encoding/json"
	"errors"
	"unicode/utf8"
)

// errTrailing refuses a frame with more than one JSON value; encoding/json
// has its own error for that.
var errTrailing = errors.New("data after the JSON object")

// decode parses one inbound frame in a single pass that also validates it.
// Only "type", "dst" and "payload" are read: the server stamps "src" itself
// and drops every other field, as upstream does. Keys match exactly after
// unescaping (encoding/json alone would also accept "Type"; JSON.parse does
// not), and a repeated key's last value wins, as in JSON.parse. A "type" or
// "dst" that is not a string reads as absent, so the message is ignored or
// dropped rather than guessed at. Payload is a slice of data, not a copy.
func decode(data []byte) (message, error) {
	var m message
	s := jsonScanner{data: data}
	s.skipSpace()
	if s.peek() != '{' {
		// Still tell invalid UTF-8 apart, as for an object.
		if !utf8.Valid(data) {
			return m, errInvalidUTF8
		}
		return m, errNotObject
	}
	s.i++
	s.skipSpace()
	if s.peek() == '}' {
		s.i++
	} else {
		for {
			if s.peek() != '"' {
				return message{}, errSyntax
			}
			key, keyEscaped, err := s.str()
			if err != nil {
				return message{}, err
			}
			s.skipSpace()
			if s.peek() != ':' {
				return message{}, errSyntax
			}
			s.i++
			s.skipSpace()
			start := s.i
			isString := s.peek() == '"'
			var str []byte
			var strEscaped bool
			if isString {
				str, strEscaped, err = s.str()
			} else {
				err = s.value(1)
			}
			if err != nil {
				return message{}, err
			}
			switch memberKey(key, keyEscaped) {
			case "type":
				m.Type = ""
				if isString {
					m.Type = messageType(str, strEscaped)
				}
			case "dst":
				m.Dst = ""
				if isString {
					m.Dst = unquote(str, strEscaped)
				}
			case "payload":
				m.Payload = json.RawMessage(data[start:s.i:s.i])
			}
			s.skipSpace()
			if s.peek() == ',' {
				s.i++
				s.skipSpace()
				continue
			}
			if s.peek() != '}' {
				return message{}, errSyntax
			}
			s.i++
			break
		}
	}
	s.skipSpace()
	if s.i != len(data) {
		return message{}, errTrailing
	}
	return m, nil
}

// memberKey returns the key if it is one decode reads, else "". It does not
// allocate for a plain key.
func memberKey(raw []byte, escaped bool) string {
	if escaped {
		switch k := unquote(raw, true); k {
		case "type", "dst", "payload":
			return k
		}
		return ""
	}
	switch string(raw) {
	case "type":
		return "type"
	case "dst":
		return "dst"
	case "payload":
		return "payload"
	}
	return ""
}

// messageType returns the type string, shared for the known types so that
// the hot path does not allocate for it.
func messageType(raw []byte, escaped bool) string {
	if escaped {
		return unquote(raw, true)
	}
	switch string(raw) {
	case typeHeartbeat:
		return typeHeartbeat
	case typeOffer:
		return typeOffer
	case typeAnswer:
		return typeAnswer
	case typeCandidate:
		return typeCandidate
	case typeLeave:
		return typeLeave
	case typeExpire:
		return typeExpire
	}
	return string(raw)
}
