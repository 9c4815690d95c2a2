package devserver

import (
	"encoding/json"
	"errors"
	"testing"
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
// panics, and whatever it accepts re-encodes as valid JSON that decodes to
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
