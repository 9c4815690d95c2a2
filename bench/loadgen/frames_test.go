package loadgen

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestParseFramesAsEachServerSendsThem(t *testing.T) {
	body := []byte(`"candidate":{"candidate":"candidate:1 1 udp 1 192.0.2.1 5 typ host","sdpMid":"0"},"type":"data"`)
	sent := appendFrame(nil, TypeCandidate, "peer-b", 7, 42, 123456789, body)
	var asJSON map[string]any
	if err := json.Unmarshal(sent, &asJSON); err != nil {
		t.Fatalf("appendFrame wrote invalid JSON: %v\n%s", err, sent)
	}
	// rtdev and peerjs-server rebuild the message as type, src, dst, payload
	// (peers/peerjs-server src/messageHandler); the floor forwards it as is.
	payload := string(sent[strings.Index(string(sent), `{"ts":`) : len(sent)-1])
	tests := []struct {
		name string
		in   string
		want Message
	}{
		{"floor, as sent", string(sent), Message{Type: TypeCandidate, From: 7, Seq: 42, SentAt: 123456789}},
		{"relayed with src", `{"type":"CANDIDATE","src":"peer-a","dst":"peer-b","payload":` + payload + `}`,
			Message{Type: TypeCandidate, Src: "peer-a", From: 7, Seq: 42, SentAt: 123456789}},
		{"OPEN", `{"type":"OPEN"}`, Message{Type: TypeOpen, From: -1}},
		{"EXPIRE", `{"type":"EXPIRE","src":"gone","dst":"me"}`, Message{Type: TypeExpire, Src: "gone", From: -1}},
		{"ERROR", `{"type":"ERROR","payload":{"msg":"Invalid key provided"}}`, Message{Type: TypeError, From: -1, Text: "Invalid key provided"}},
		{"re-ordered payload falls back to JSON", `{"type":"OFFER","src":"a","payload":{"seq":3,"from":1,"ts":9}}`,
			Message{Type: TypeOffer, Src: "a", From: 1, Seq: 3, SentAt: 9}},
		{"spaced payload falls back to JSON", `{"type": "ANSWER", "payload": {"ts": 5, "from": 2, "seq": 8}}`,
			Message{Type: TypeAnswer, From: 2, Seq: 8, SentAt: 5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parse([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("parse(%s)\n got %+v\nwant %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseRejectsNonJSON(t *testing.T) {
	if _, err := parse([]byte("not json")); err == nil {
		t.Error("parse accepted a frame that is not JSON")
	}
}

func TestBodiesSizesAndJSON(t *testing.T) {
	b := NewBodies(4096, 200)
	for name, body := range map[string][]byte{"offer": b.Offer, "answer": b.Answer, "candidate": b.Candidate} {
		frame := appendFrame(nil, TypeOffer, "x", 0, 1, 1, body)
		var v struct {
			Payload map[string]any `json:"payload"`
		}
		if err := json.Unmarshal(frame, &v); err != nil {
			t.Fatalf("%s body makes invalid JSON: %v", name, err)
		}
	}
	if len(b.Offer) != 4096 || len(b.Answer) != 4096 {
		t.Errorf("SDP bodies are %d and %d bytes, want 4096", len(b.Offer), len(b.Answer))
	}
	if len(b.Candidate) != 200 {
		t.Errorf("candidate body is %d bytes, want 200", len(b.Candidate))
	}
	if !strings.Contains(string(b.Offer), `v=0\r\no=-`) {
		t.Error("offer SDP does not start like a session description")
	}
}

func TestPercentile(t *testing.T) {
	s := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	tests := []struct {
		p    float64
		in   []int64
		want int64
	}{
		{50, s, 5}, {99, s, 10}, {100, s, 10}, {0, s, 1}, {10, s, 1}, {11, s, 2},
		{50, nil, 0}, {99, []int64{7}, 7},
	}
	for _, tt := range tests {
		if got := percentile(tt.in, tt.p); got != tt.want {
			t.Errorf("percentile(%v, %v) = %d, want %d", tt.in, tt.p, got, tt.want)
		}
	}
}

func TestRelayResultAtCap(t *testing.T) {
	tests := []struct {
		r    RelayResult
		want bool
	}{
		{RelayResult{Peers: 1000, PeerRate: 90, MessagesPerSec: 88956}, true},
		{RelayResult{Peers: 1000, PeerRate: 90, MessagesPerSec: 48758}, false},
		{RelayResult{Peers: 1000, PeerRate: 0, MessagesPerSec: 1e9}, false},
	}
	for _, tt := range tests {
		if got := tt.r.AtCap(); got != tt.want {
			t.Errorf("%+v.AtCap() = %v, want %v", tt.r, got, tt.want)
		}
	}
}
