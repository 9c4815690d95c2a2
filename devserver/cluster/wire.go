package cluster

import (
	"encoding/binary"
	"errors"

	"github.com/rtdev/rtdev/internal/textsafe"
)

// The messages instances send each other through Redis pub/sub. Redis is
// shared with whatever else can reach it, so what comes off a channel is
// checked as strictly as a frame from a browser: decodeEnvelope accepts
// only what encode produces (FuzzDecodeEnvelope), the instance checks a
// relayed message as it checks a frame (Handler.Valid), and the receiver
// drops and counts the rest.
//
// Layout: a version byte, a kind byte, then fields, each a uvarint length
// and its bytes. Binary, not JSON, so a payload travels byte for byte
// (encoding/json would compact it and escape <, > and & in SDP) and
// nothing is parsed twice.
//
//	relay: from, dst, src, type, flag (1: payload follows), [payload]
//	kick:  from, id, claim, flag (1: same token)
//	flush: from, id
const wireVersion = 1

type envKind byte

const (
	envRelay envKind = 'm' // a message for a peer connected to the receiver
	envKick  envKind = 'k' // the receiver's peer lost its id to a newer claim
	envFlush envKind = 'f' // the sender's peer connected: send what you queued for it
)

// Bounds on a decoded envelope's fields: ids, tokens and instance names are
// far shorter, and a payload is bounded by the sender's MaxMessageBytes.
const (
	maxWireField   = 1 << 10
	maxWirePayload = 16 << 20
)

// envelope is one message between instances.
type envelope struct {
	kind      envKind
	from      string // the sending instance
	id        string // relay: the destination; kick, flush: the peer
	src, typ  string // relay
	payload   []byte // relay; nil when the message has none
	claim     string // kick: the claim the receiver's peer held
	sameToken bool   // kick: replaced by a reconnect with its token, not taken over
}

var errWire = errors.New("malformed cluster message")

func (e *envelope) appendTo(b []byte) []byte {
	b = append(b, wireVersion, byte(e.kind))
	b = appendField(b, e.from)
	b = appendField(b, e.id)
	switch e.kind {
	case envRelay:
		b = appendField(b, e.src)
		b = appendField(b, e.typ)
		if e.payload == nil {
			return append(b, 0)
		}
		b = append(b, 1)
		b = binary.AppendUvarint(b, uint64(len(e.payload)))
		return append(b, e.payload...)
	case envKick:
		b = appendField(b, e.claim)
		return append(b, flag(e.sameToken))
	}
	return b
}

func appendField(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func flag(v bool) byte {
	if v {
		return 1
	}
	return 0
}

// wireReader reads fields off an envelope; the first error sticks.
type wireReader struct {
	b   []byte
	err error
}

func (r *wireReader) bytes(max int) []byte {
	if r.err != nil {
		return nil
	}
	n, k := binary.Uvarint(r.b)
	if k <= 0 || n > uint64(max) || n > uint64(len(r.b)-k) {
		r.err = errWire
		return nil
	}
	v := r.b[k : k+int(n) : k+int(n)]
	r.b = r.b[k+int(n):]
	return v
}

// text reads a field that must be plain text (valid UTF-8, no control
// characters), as ids and tokens are at admission; empty only if allowed.
func (r *wireReader) text(allowEmpty bool) string {
	v := r.bytes(maxWireField)
	if r.err == nil && ((len(v) == 0 && !allowEmpty) || !textsafe.Plain(string(v))) {
		r.err = errWire
	}
	return string(v)
}

func (r *wireReader) flag() bool {
	if r.err != nil || len(r.b) == 0 || r.b[0] > 1 {
		r.err = errWire
		return false
	}
	v := r.b[0] == 1
	r.b = r.b[1:]
	return v
}

// decodeEnvelope parses and checks one envelope. A relayed payload is a
// slice of b.
func decodeEnvelope(b []byte) (envelope, error) {
	var e envelope
	if len(b) < 2 || b[0] != wireVersion {
		return e, errWire
	}
	e.kind = envKind(b[1])
	r := wireReader{b: b[2:]}
	e.from = r.text(false)
	e.id = r.text(false)
	switch e.kind {
	case envRelay:
		e.src = r.text(false)
		e.typ = r.text(false)
		if r.flag() {
			e.payload = r.bytes(maxWirePayload)
		}
	case envKick:
		e.claim = r.text(false)
		e.sameToken = r.flag()
	case envFlush:
	default:
		return envelope{}, errWire
	}
	if r.err != nil || len(r.b) != 0 {
		return envelope{}, errWire
	}
	return e, nil
}

// message is the relayed message an envelope carries.
func (e *envelope) message() Message {
	return Message{Type: e.typ, Src: e.src, Dst: e.id, Payload: e.payload}
}
