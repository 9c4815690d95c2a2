//go:build rtdev_stdjson

package devserver

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// decode is the standard-library decoder, built with -tags rtdev_stdjson so
// that bench/ can measure the relay with it against the single-pass scanner
// (decode_scan.go). It reads the same fields with the same rules: utf8.Valid
// first (encoding/json would turn invalid UTF-8 into U+FFFD and accept it),
// then json.Unmarshal into a struct of json.RawMessage. encoding/json matches
// struct fields case-insensitively ("Type" would fill Type; JSON.parse keeps
// the keys apart), so a frame that may hold such a key is decoded into a map
// instead, which matches keys exactly.
func decode(data []byte) (message, error) {
	if !utf8.Valid(data) {
		return message{}, errInvalidUTF8
	}
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		if json.Valid(data) {
			return message{}, errNotObject
		}
		return message{}, errSyntax
	}
	var raw struct {
		Type    json.RawMessage `json:"type"`
		Dst     json.RawMessage `json:"dst"`
		Payload json.RawMessage `json:"payload"`
	}
	if foldedKey(data) {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(data, &fields); err != nil {
			return message{}, err
		}
		// A present value is never nil (null is "null"), an absent one is.
		raw.Type, raw.Dst, raw.Payload = fields["type"], fields["dst"], fields["payload"]
	} else if err := json.Unmarshal(data, &raw); err != nil {
		return message{}, err
	}
	return message{Type: jsonString(raw.Type), Dst: jsonString(raw.Dst), Payload: raw.Payload}, nil
}

// jsonString reads a "type" or "dst" value: one that is not a string reads
// as absent, as in decode_scan.go.
func jsonString(raw json.RawMessage) string {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// foldedKey reports whether data may hold a string that encoding/json would
// match to "type", "dst" or "payload" but JSON.parse would not: one that
// differs from them only in case, or that has an escape or a non-ASCII byte
// ('ſ' folds to 's'), short enough to be one of them. It looks at every
// string, not only keys, so it can answer yes for nothing; the map it sends
// such a frame to is slower, never wrong.
func foldedKey(data []byte) bool {
	for i := 0; ; {
		q := bytes.IndexByte(data[i:], '"')
		if q < 0 {
			return false
		}
		start := i + q + 1
		escaped := false
		end := start
		for {
			j := bytes.IndexAny(data[end:], `"\`)
			if j < 0 {
				return false // unterminated: json.Unmarshal refuses it
			}
			end += j
			if data[end] == '"' {
				break
			}
			escaped = true
			end += 2
			if end > len(data) {
				return false
			}
		}
		// Escaped, a 7-letter name is at most 42 bytes (\uXXXX each).
		if s := data[start:end]; len(s) <= 6*len("payload") &&
			(escaped || !isASCII(s) || folds(s, "type") || folds(s, "dst") || folds(s, "payload")) {
			return true
		}
		i = end + 1
	}
}

// folds reports whether s equals name but for case.
func folds(s []byte, name string) bool {
	return len(s) == len(name) && string(s) != name && bytes.EqualFold(s, []byte(name))
}

func isASCII(s []byte) bool {
	for _, c := range s {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
