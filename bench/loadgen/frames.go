package loadgen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Message types of the PeerJS protocol (peers/peerjs-server src/enums.ts).
const (
	TypeOpen      = "OPEN"
	TypeOffer     = "OFFER"
	TypeAnswer    = "ANSWER"
	TypeCandidate = "CANDIDATE"
	TypeExpire    = "EXPIRE"
	TypeLeave     = "LEAVE"
	TypeError     = "ERROR"
	TypeIDTaken   = "ID-TAKEN"
)

// Message is a received frame, reduced to what the scenarios check.
type Message struct {
	Type   string
	Src    string // stamped by the server; the floor server stamps none
	From   int    // the sender's Peer.Index from the payload; -1 if none
	Seq    int64  // from the payload
	SentAt int64  // send time, Unix nanoseconds, from the payload; 0 if none
	Text   string // payload.msg of ERROR and ID-TAKEN
}

// Bodies are what follows the load generator's own fields in a payload:
// the fields the peerjs client puts there (lib/negotiator.ts), with an SDP
// and a candidate line shaped like Chromium's, padded to the sizes asked.
type Bodies struct {
	Offer, Answer, Candidate []byte
}

// NewBodies builds payload bodies of about sdpBytes and candidateBytes.
func NewBodies(sdpBytes, candidateBytes int) Bodies {
	conn := `"type":"data","connectionId":"dc_k7q2m9x4p1","label":"dc_k7q2m9x4p1","reliable":true,"serialization":"binary"`
	sdp := func(kind string) []byte {
		head := `"sdp":{"type":"` + kind + `","sdp":"`
		tail := `"},` + conn
		return []byte(head + fakeSDP(sdpBytes-len(head)-len(tail)) + tail)
	}
	cand := `"candidate":{"candidate":"candidate:8421 1 udp 1677729535 192.0.2.10 50000 typ srflx raddr 0.0.0.0 rport 0","sdpMid":"0","sdpMLineIndex":0},"type":"data","connectionId":"dc_k7q2m9x4p1"`
	if pad := candidateBytes - len(cand) - len(`,"pad":""`); pad > 0 {
		cand += `,"pad":"` + strings.Repeat("x", pad) + `"`
	}
	return Bodies{Offer: sdp("offer"), Answer: sdp("answer"), Candidate: []byte(cand)}
}

// fakeSDP is n bytes of JSON-escaped SDP text: a real session header and
// data channel section, then attribute lines until n is reached.
func fakeSDP(n int) string {
	var b strings.Builder
	lines := []string{
		"v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0",
		"a=group:BUNDLE 0", "a=extmap-allow-mixed", "a=msid-semantic: WMS",
		"m=application 9 UDP/DTLS/SCTP webrtc-datachannel", "c=IN IP4 0.0.0.0",
		"a=ice-ufrag:Gx2a", "a=ice-pwd:0bYq1x8uWv3nZr5TtKp7LmQe", "a=ice-options:trickle",
		"a=fingerprint:sha-256 3A:1F:9C:0B:7E:44:D2:58:AA:61:0C:93:5E:27:B8:F4:19:6D:C0:82:3B:E5:7A:14:9F:06:D8:4C:21:B7:E3:5A",
		"a=setup:actpass", "a=mid:0", "a=sctp-port:5000", "a=max-message-size:262144",
	}
	for i := 0; b.Len() < n; i++ {
		var l string
		if i < len(lines) {
			l = lines[i]
		} else {
			l = fmt.Sprintf("a=x-bench-filler:%d %s", i, "0123456789abcdefghijklmnopqrstuvwxyz")
		}
		b.WriteString(l)
		b.WriteString(`\r\n`)
	}
	return b.String()[:max(n, 0)]
}

// appendFrame appends a client frame. dst comes first so that a server that
// scans for it (the floor) finds it at once; the payload starts with the
// fields parse reads without a JSON decoder, which servers pass through in
// order (peerjs-server re-serialises the parsed object, whose key order
// JSON.stringify keeps).
func appendFrame(b []byte, typ, dst string, from int, seq, sentAt int64, body []byte) []byte {
	b = append(b, `{"type":"`...)
	b = append(b, typ...)
	b = append(b, `","dst":"`...)
	b = append(b, dst...)
	b = append(b, `","payload":{"ts":`...)
	b = strconv.AppendInt(b, sentAt, 10)
	b = append(b, `,"from":`...)
	b = strconv.AppendInt(b, int64(from), 10)
	b = append(b, `,"seq":`...)
	b = strconv.AppendInt(b, seq, 10)
	if len(body) > 0 {
		b = append(b, ',')
		b = append(b, body...)
	}
	return append(b, "}}"...)
}

var (
	typeKey    = []byte(`"type":"`)
	srcKey     = []byte(`"src":"`)
	payloadKey = []byte(`"payload":{"ts":`)
	fromKey    = []byte(`,"from":`)
	seqKey     = []byte(`,"seq":`)
)

// parse reads a server frame. The frames the load generator sent are read
// by scanning for the fixed prefix appendFrame wrote (decoding 4 KiB of JSON
// per message would make the load generator the bottleneck); anything else,
// such as the server's own OPEN, EXPIRE or ERROR, is decoded as JSON.
func parse(data []byte) (Message, error) {
	p := bytes.Index(data, payloadKey)
	if p < 0 {
		return parseJSON(data)
	}
	head := data[:p]
	m := Message{From: -1}
	m.Type = stringAfter(head, typeKey)
	m.Src = stringAfter(head, srcKey)
	rest := data[p+len(payloadKey):]
	var ok bool
	if m.SentAt, rest, ok = intThen(rest, fromKey); !ok {
		return parseJSON(data)
	}
	var from int64
	if from, rest, ok = intThen(rest, seqKey); !ok {
		return parseJSON(data)
	}
	m.From = int(from)
	if m.Seq, _, ok = intThen(rest, nil); !ok || m.Type == "" {
		return parseJSON(data)
	}
	return m, nil
}

func parseJSON(data []byte) (Message, error) {
	var w struct {
		Type    string `json:"type"`
		Src     string `json:"src"`
		Payload struct {
			Msg  string `json:"msg"`
			TS   int64  `json:"ts"`
			From *int   `json:"from"`
			Seq  int64  `json:"seq"`
		} `json:"payload"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return Message{}, fmt.Errorf("server sent a frame that is not JSON: %q", truncate(data, 80))
	}
	m := Message{Type: w.Type, Src: w.Src, From: -1, Seq: w.Payload.Seq, SentAt: w.Payload.TS, Text: w.Payload.Msg}
	if w.Payload.From != nil {
		m.From = *w.Payload.From
	}
	return m, nil
}

// stringAfter returns the string value after key, or "".
func stringAfter(b, key []byte) string {
	_, rest, ok := bytes.Cut(b, key)
	if !ok {
		return ""
	}
	v, _, terminated := bytes.Cut(rest, []byte(`"`))
	if !terminated {
		return ""
	}
	return string(v)
}

// intThen reads a non-negative integer at the start of b, which must be
// followed by next (or, for nil next, by a ',' or '}'), and returns what
// follows next.
func intThen(b, next []byte) (int64, []byte, bool) {
	var n int64
	i := 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		n = n*10 + int64(b[i]-'0')
		i++
	}
	if i == 0 {
		return 0, nil, false
	}
	if next == nil {
		return n, b[i:], i < len(b) && (b[i] == ',' || b[i] == '}')
	}
	if !bytes.HasPrefix(b[i:], next) {
		return 0, nil, false
	}
	return n, b[i+len(next):], true
}

func truncate(b []byte, n int) string {
	if len(b) <= n {
		return string(b)
	}
	return string(b[:n]) + "..."
}
