package devserver

import (
	"strings"
	"testing"
)

// offerFrame is an OFFER as the peerjs client sends it, with a ~4 KiB SDP:
// the frame that dominates a call's signalling.
func offerFrame() []byte {
	sdp := strings.Repeat(`a=candidate:1 1 udp 2122260223 192.168.1.20 54321 typ host generation 0\r\n`, 52)
	return []byte(`{"type":"OFFER","payload":{"sdp":{"type":"offer","sdp":"v=0\r\n` + sdp +
		`"},"type":"media","connectionId":"mc_x1y2z3","browser":"chrome","label":"mc_x1y2z3","reliable":false,"serialization":"binary","metadata":{"n":1}},"dst":"5f1c7a0e-2b7d-4d55-9a3e-2f1d6a8b9c01"}`)
}

// go test -run XXX -bench Decode ./devserver; with -tags rtdev_stdjson,
// BenchmarkDecode measures encoding/json into a struct (decode_stdjson.go)
// and BenchmarkDecodeStdlib stays json.Unmarshal into a map.
func BenchmarkDecode(b *testing.B) {
	frame := offerFrame()
	b.SetBytes(int64(len(frame)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decode(frame); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeStdlib(b *testing.B) {
	frame := offerFrame()
	b.SetBytes(int64(len(frame)))
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := decodeStdlib(frame); !ok {
			b.Fatal("rejected")
		}
	}
}
