package devserver

import (
	"testing"

	"github.com/rtdev/rtdev/devserver/cluster"
)

// FuzzClusterMessageValid holds the check on messages from other instances
// to decode's rules: a message it accepts is one decode reads back from its
// frame, so a peer on one instance is never sent what a peer on another
// could not have sent through this one.
func FuzzClusterMessageValid(f *testing.F) {
	f.Add(typeCandidate, []byte(`{"candidate":{"candidate":"a"}}`), true)
	f.Add(typeExpire, []byte(nil), false)
	f.Add(typeOffer, []byte(`[1,`), true)
	f.Add("HEARTBEAT", []byte(nil), false)
	f.Add(typeAnswer, []byte("\"\xff\""), true)
	f.Fuzz(func(t *testing.T, typ string, payload []byte, hasPayload bool) {
		if !hasPayload {
			payload = nil
		} else if payload == nil {
			payload = []byte{}
		}
		m := cluster.Message{Type: typ, Src: "alice", Dst: "bob", Payload: payload}
		if !(realmSide{}).Valid(m) {
			return
		}
		frame := fromCluster(m).encode()
		if _, err := decode(frame); err != nil {
			t.Fatalf("accepted %+v, whose frame %q does not decode: %v", m, frame, err)
		}
	})
}
