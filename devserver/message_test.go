package devserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDecode(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    message
		wantErr bool
	}{
		{"offer", `{"type":"OFFER","dst":"b","payload":{"sdp":"x"}}`, message{Type: "OFFER", Dst: "b", Payload: json.RawMessage(`{"sdp":"x"}`)}, false},
		{"src ignored, extras dropped", `{"type":"LEAVE","src":"x","dst":"b","z":[1]}`, message{Type: "LEAVE", Dst: "b"}, false},
		{"payload keeps inner bytes, not outer space", `{"payload" :  { "a" : 1.0 } , "type":"X"}`, message{Type: "X", Payload: json.RawMessage(`{ "a" : 1.0 }`)}, false},
		{"null payload is present", `{"type":"X","payload":null}`, message{Type: "X", Payload: json.RawMessage(`null`)}, false},
		{"escaped key", `{"ty\u0070e":"HEARTBEAT"}`, message{Type: "HEARTBEAT"}, false},
		{"keys are case-sensitive", `{"Type":"OFFER","DST":"b"}`, message{}, false},
		{"non-string type and dst", `{"type":1,"dst":{"a":1}}`, message{}, false},
		{"last duplicate wins", `{"type":"A","type":"B"}`, message{Type: "B"}, false},
		{"empty object", `{}`, message{}, false},
		{"not JSON", `{"type":`, message{}, true},
		{"trailing garbage", `{"type":"A"}x`, message{}, true},
		{"array", `["OFFER"]`, message{}, true},
		{"null", `null`, message{}, true},
		{"string", `"OFFER"`, message{}, true},
		{"invalid UTF-8", "{\"type\":\"\xff\"}", message{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decode([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if got.Type != tt.want.Type || got.Dst != tt.want.Dst || string(got.Payload) != string(tt.want.Payload) ||
				(got.Payload == nil) != (tt.want.Payload == nil) {
				t.Errorf("got %+v (payload %q), want %+v (payload %q)", got, got.Payload, tt.want, tt.want.Payload)
			}
		})
	}
	if _, err := decode([]byte("\xff")); !errors.Is(err, errInvalidUTF8) {
		t.Errorf("invalid UTF-8: %v", err)
	}
}

func TestEncode(t *testing.T) {
	tests := []struct {
		name string
		m    message
		want string
	}{
		{"relay", message{Type: "OFFER", Src: "a", Dst: "b", Payload: json.RawMessage(`{ "x" : "<&>" }`)}, `{"type":"OFFER","src":"a","dst":"b","payload":{ "x" : "<&>" }}`},
		{"no payload", message{Type: "EXPIRE", Src: "ghost", Dst: "a"}, `{"type":"EXPIRE","src":"ghost","dst":"a"}`},
		{"only type", message{Type: "OPEN"}, `{"type":"OPEN"}`},
		{"strings escaped, HTML not", message{Type: "T", Src: "a\"b\\c\n<é>"}, `{"type":"T","src":"a\"b\\c\n<é>"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(tt.m.encode()); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

// The server's own messages, byte for byte as peerjs-server sends them.
func TestServerMessages(t *testing.T) {
	tests := []struct{ got, want string }{
		{string(serverMessage(typeOpen, "")), `{"type":"OPEN"}`},
		{string(serverMessage(typeError, msgMissingParams)), `{"type":"ERROR","payload":{"msg":"No id, token, or key supplied to websocket server"}}`},
		{string(serverMessage(typeError, msgInvalidKey)), `{"type":"ERROR","payload":{"msg":"Invalid key provided"}}`},
		{string(serverMessage(typeError, msgLimit)), `{"type":"ERROR","payload":{"msg":"Server has reached its concurrent user limit"}}`},
		{string(serverMessage(typeIDTaken, msgIDTaken)), `{"type":"ID-TAKEN","payload":{"msg":"ID is taken"}}`},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got  %s\nwant %s", tt.got, tt.want)
		}
	}
}

// FuzzDecode checks the inbound decoder on arbitrary frames: it never
// panics, whatever it accepts is valid UTF-8 (the read loop relies on that
// to skip its own check), and it re-encodes as valid JSON that decodes to
// the same type, dst and payload bytes.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"type":"OFFER","dst":"b","payload":{"sdp":{"type":"offer","sdp":"v=0"},"type":"data","connectionId":"dc_1"}}`,
		`{"type":"HEARTBEAT"}`,
		`{"type":"LEAVE","dst":"b","payload":null}`,
		`{"ty\u0070e":"X","dst":"\ud800"}`,
		`{"type":"A","type":"B"}`,
		`[]`,
		"{\"type\":\"\xff\"}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := decode(data)
		if err != nil {
			return
		}
		if !utf8.Valid(data) {
			t.Fatalf("decode accepted invalid UTF-8 %q", data)
		}
		m.Src = "src\u2028<>"
		out := m.encode()
		if !json.Valid(out) {
			t.Fatalf("encode(%q) = %q, not JSON", data, out)
		}
		back, err := decode(out)
		if err != nil {
			t.Fatalf("re-decode %q: %v", out, err)
		}
		// An empty dst is left out, so it comes back empty too.
		if back.Type != m.Type || back.Dst != m.Dst || string(back.Payload) != string(m.Payload) || (back.Payload == nil) != (m.Payload == nil) {
			t.Fatalf("round trip of %q: got %+v, want %+v", data, back, m)
		}
	})
}

// decodeStdlib is the decoder decode replaced (utf8.Valid, then
// json.Unmarshal into a map of raw values), kept as the reference that
// FuzzDecodeMatchesStdlib holds decode to.
func decodeStdlib(data []byte) (message, bool) {
	if !utf8.Valid(data) {
		return message{}, false
	}
	var fields map[string]json.RawMessage
	if json.Unmarshal(data, &fields) != nil || fields == nil {
		return message{}, false
	}
	str := func(raw json.RawMessage) string {
		var s string
		if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
			return ""
		}
		return s
	}
	m := message{Type: str(fields["type"]), Dst: str(fields["dst"])}
	if p, ok := fields["payload"]; ok {
		m.Payload = p
	}
	return m, true
}

// FuzzDecodeMatchesStdlib checks that the single-pass decoder accepts
// exactly the frames encoding/json accepts as an object and reads the same
// type, dst and payload bytes from them.
func FuzzDecodeMatchesStdlib(f *testing.F) {
	for _, s := range []string{
		`{"type":"OFFER","dst":"b","payload":{"sdp":"v=0\r\n","a":[1,-2.5e+3,true,false,null,{}]}}`,
		`{"type":"A","type":1}`,
		`{"payload":1,"payload":[ ]}`,
		` {"dst" : "\u00e9\ud83d\ude00\ud800x" } `,
		`{"a":01}`, `{"a":1.}`, `{"a":-}`, `{"a":1e}`, `{"a":"\x"}`, `{"a":"\u12G4"}`,
		`{"a":tru}`, `{"a":[1,]}`, `{"a":{"b":1,}}`, `{,}`, `{"a" 1}`, `{"a":1}}`,
		"{\"a\":\"\x1f\"}", "{\"a\":\"\x7f\xc3\xa9\"}", "{\"a\":\"\xed\xa0\x80\"}",
		`{"payload":` + strings.Repeat("[", maxJSONDepth-1) + strings.Repeat("]", maxJSONDepth-1) + `}`,
		`{"payload":` + strings.Repeat("[", maxJSONDepth) + strings.Repeat("]", maxJSONDepth) + `}`,
		`{"payload":` + strings.Repeat(`{"a":`, maxJSONDepth-1) + "0" + strings.Repeat("}", maxJSONDepth-1) + `}`,
		`{"payload":` + strings.Repeat(`{"a":`, maxJSONDepth) + "0" + strings.Repeat("}", maxJSONDepth) + `}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		got, err := decode(data)
		want, ok := decodeStdlib(data)
		if (err == nil) != ok {
			t.Fatalf("decode(%q): err %v, encoding/json accepts it: %v", data, err, ok)
		}
		if got.Type != want.Type || got.Dst != want.Dst || string(got.Payload) != string(want.Payload) ||
			(got.Payload == nil) != (want.Payload == nil) {
			t.Fatalf("decode(%q) = %+v (payload %q), encoding/json reads %+v (payload %q)", data, got, got.Payload, want, want.Payload)
		}
	})
}

// FuzzAppendJSONString holds the hand-written string encoder to
// encoding/json without HTML escaping, which it replaced.
func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "peer-1", "a\"b\\c\n\r\t\b\f\x00\x1f\x7f<>&", "é\u2028\u2029😀", "\xff\xed\xa0\x80x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(s); err != nil {
			t.Fatal(err)
		}
		want := strings.TrimSuffix(buf.String(), "\n")
		if got := string(appendJSONString([]byte("x"), s)); got != "x"+want {
			t.Fatalf("appendJSONString(%q) = %s, want x%s", s, got, want)
		}
	})
}
