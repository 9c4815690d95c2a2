package cluster

import (
	"bytes"
	"testing"
)

func TestEnvelopeRoundTrip(t *testing.T) {
	for _, e := range []envelope{
		{kind: envRelay, from: "i1", id: "bob", src: "alice", typ: "OFFER", payload: []byte(`{ "sdp":"v=0\r\n<&>" }`)},
		{kind: envRelay, from: "i1", id: "bob", src: "alice", typ: "LEAVE"},
		{kind: envKick, from: "i2", id: "x", claim: "i1 abc 01", sameToken: true},
		{kind: envKick, from: "i2", id: "x", claim: "i1 abc 01"},
		{kind: envFlush, from: "i3", id: "late"},
	} {
		got, err := decodeEnvelope(e.appendTo(nil))
		if err != nil {
			t.Fatalf("%+v: %v", e, err)
		}
		if got.kind != e.kind || got.from != e.from || got.id != e.id || got.src != e.src || got.typ != e.typ ||
			!bytes.Equal(got.payload, e.payload) || (got.payload == nil) != (e.payload == nil) ||
			got.claim != e.claim || got.sameToken != e.sameToken {
			t.Errorf("round trip of %+v gave %+v", e, got)
		}
	}
}

// FuzzDecodeEnvelope holds decodeEnvelope to never panicking on what comes
// off a Redis channel, and to accepting only what appendTo writes back
// byte for byte. Whether a relayed message is one a peer may send is the
// instance's check (Handler.Valid), fuzzed where it is defined. testdata/fuzz/FuzzDecodeEnvelope has more seeds.
func FuzzDecodeEnvelope(f *testing.F) {
	for _, e := range []envelope{
		{kind: envRelay, from: "0123abcd", id: "bob", src: "alice", typ: "CANDIDATE", payload: []byte(`{"candidate":{"candidate":"a"}}`)},
		{kind: envRelay, from: "i", id: "b", src: "a", typ: "EXPIRE"},
		{kind: envKick, from: "i", id: "x", claim: "i1 t n", sameToken: true},
		{kind: envFlush, from: "i", id: "x"},
	} {
		f.Add(e.appendTo(nil))
	}
	f.Add([]byte{})
	f.Add([]byte{wireVersion, 'm', 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Add([]byte("\x01m\x01a\x01b\x01c\x05OFFER\x01\x03[1,"))
	f.Add([]byte("\x01k\x01a\x01b\x01c\x02"))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := decodeEnvelope(data)
		if err != nil {
			return
		}
		if again := e.appendTo(nil); !bytes.Equal(again, data) {
			t.Fatalf("accepted %q, which encodes back as %q", data, again)
		}
	})
}
