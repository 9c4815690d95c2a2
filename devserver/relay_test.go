package devserver

import (
	"fmt"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// The relay keeps only type, src, dst and payload, stamps src, and passes
// payload through byte for byte (whitespace, number spelling, <>& unescaped).
func TestRelayTransform(t *testing.T) {
	ts := startServer(t, Config{})
	a := ts.join("a", "t")
	b := ts.join("b", "t")
	tests := []struct {
		name, in, want string
	}{
		{
			"offer",
			`{"src":"spoofed","extra":1,"type":"OFFER","dst":"b","payload": { "sdp" : {"type":"offer","sdp":"v=0\r\n<a&b>"} ,"n":1.50, "u":"\u00e9" } }`,
			`{"type":"OFFER","src":"a","dst":"b","payload":{ "sdp" : {"type":"offer","sdp":"v=0\r\n<a&b>"} ,"n":1.50, "u":"\u00e9" }}`,
		},
		{"answer", `{"type":"ANSWER","dst":"b","payload":{"connectionId":"dc_1"}}`, `{"type":"ANSWER","src":"a","dst":"b","payload":{"connectionId":"dc_1"}}`},
		{"candidate", `{"type":"CANDIDATE","dst":"b","payload":[1,"x",null]}`, `{"type":"CANDIDATE","src":"a","dst":"b","payload":[1,"x",null]}`},
		{"leave without payload", `{"type":"LEAVE","dst":"b"}`, `{"type":"LEAVE","src":"a","dst":"b"}`},
		{"null payload kept", `{"type":"LEAVE","dst":"b","payload":null}`, `{"type":"LEAVE","src":"a","dst":"b","payload":null}`},
		{"expire", `{"type":"EXPIRE","dst":"b"}`, `{"type":"EXPIRE","src":"a","dst":"b"}`},
		{"duplicate key: last wins", `{"type":"OFFER","dst":"nobody","dst":"b","payload":1}`, `{"type":"OFFER","src":"a","dst":"b","payload":1}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a.send(tt.in)
			b.expect(tt.want)
		})
	}
	t.Run("binary frame in, text out", func(t *testing.T) {
		if err := a.c.WriteMessage(websocket.BinaryMessage, []byte(`{"type":"OFFER","dst":"b","payload":{}}`)); err != nil {
			t.Fatal(err)
		}
		b.expect(`{"type":"OFFER","src":"a","dst":"b","payload":{}}`)
	})
}

// What is not relayed leaves the socket open and the next message flows:
// bad JSON (upstream drops it and keeps the socket), HEARTBEAT, unknown or
// non-string types, keys in the wrong case, a missing dst.
func TestRelayIgnores(t *testing.T) {
	ts := startServer(t, Config{})
	a := ts.join("a", "t")
	b := ts.join("b", "t")
	for _, in := range []string{
		`{not json`,
		`[1,2]`,
		`null`,
		`{"type":"HEARTBEAT","dst":"b"}`,
		`{"type":"OPEN","dst":"b"}`,
		`{"type":"ID-TAKEN","dst":"b"}`,
		`{"type":7,"dst":"b"}`,
		`{"TYPE":"OFFER","dst":"b"}`,
		`{"type":"OFFER","Dst":"b"}`,
		`{"type":"OFFER","dst":["b"]}`,
		`{"type":"OFFER","payload":{}}`,
	} {
		a.send(in)
	}
	a.send(`{"type":"OFFER","dst":"b","payload":"sentinel"}`)
	b.expect(`{"type":"OFFER","src":"a","dst":"b","payload":"sentinel"}`)
	if got := ts.srv.Stats().Malformed; got != 3 {
		t.Errorf("Stats.Malformed = %d, want 3", got)
	}
}

// Messages for an offline id wait in order and follow OPEN when it connects;
// LEAVE and EXPIRE are never queued.
func TestOfflineQueueDelivery(t *testing.T) {
	ts := startServer(t, Config{ExpireTimeout: time.Minute})
	a := ts.join("a", "t")
	a.send(`{"type":"LEAVE","dst":"later"}`)
	a.send(`{"type":"EXPIRE","dst":"later"}`)
	for i := range 3 {
		a.send(fmt.Sprintf(`{"type":"CANDIDATE","dst":"later","payload":%d}`, i))
	}
	ts.eventually("3 queued messages", func(s Stats) bool { return s.QueuedMessages == 3 })
	later := ts.join("later", "t") // join checks OPEN comes first
	for i := range 3 {
		later.expect(fmt.Sprintf(`{"type":"CANDIDATE","src":"a","dst":"later","payload":%d}`, i))
	}
	a.send(`{"type":"OFFER","dst":"later","payload":"live"}`)
	later.expect(`{"type":"OFFER","src":"a","dst":"later","payload":"live"}`)
	if s := ts.srv.Stats(); s.OfflineQueues != 0 || s.Expired != 0 {
		t.Errorf("stats %+v", s)
	}
}

// A queue nobody collects expires: each sender gets one EXPIRE from the
// missing peer, and the peer connecting afterwards gets none of it.
func TestOfflineQueueExpire(t *testing.T) {
	ts := startServer(t, Config{ExpireTimeout: 50 * time.Millisecond})
	a := ts.join("a", "t")
	b := ts.join("b", "t")
	a.send(`{"type":"OFFER","dst":"ghost","payload":1}`)
	a.send(`{"type":"CANDIDATE","dst":"ghost","payload":2}`)
	b.send(`{"type":"OFFER","dst":"ghost","payload":3}`)
	a.expect(`{"type":"EXPIRE","src":"ghost","dst":"a"}`)
	b.expect(`{"type":"EXPIRE","src":"ghost","dst":"b"}`)
	ts.eventually("the queue to go", func(s Stats) bool { return s.OfflineQueues == 0 && s.Expired == 2 })
	ghost := ts.join("ghost", "t")
	a.send(`{"type":"OFFER","dst":"ghost","payload":"after"}`)
	ghost.expect(`{"type":"OFFER","src":"a","dst":"ghost","payload":"after"}`)
}

// A LEAVE without dst unregisters its sender (upstream) and closes it.
func TestLeaveWithoutDst(t *testing.T) {
	ts := startServer(t, Config{})
	a := ts.join("a", "t")
	a.send(`{"type":"LEAVE"}`)
	a.expectClose(websocket.CloseNormalClosure, "left")
	ts.join("a", "another token")
}

// A peer that sends no HEARTBEAT within AliveTimeout is closed and its id
// freed; one that does stays.
func TestAliveTimeout(t *testing.T) {
	ts := startServer(t, Config{AliveTimeout: 300 * time.Millisecond, ExpireTimeout: time.Minute})
	silent := ts.join("silent", "t")
	alive := ts.join("alive", "t")
	stopBeat := make(chan struct{})
	beatDone := make(chan struct{})
	go func() {
		defer close(beatDone)
		tick := time.NewTicker(30 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stopBeat:
				return
			case <-tick.C:
				if alive.c.WriteMessage(websocket.TextMessage, []byte(`{"type":"HEARTBEAT"}`)) != nil {
					return
				}
			}
		}
	}()
	silent.expectClose(closeAliveTimeout, "HEARTBEAT")
	ts.join("silent", "new token") // the id is free again
	// Several alive timeouts later the heartbeating peer is still there.
	time.Sleep(900 * time.Millisecond)
	close(stopBeat)
	<-beatDone
	other := ts.join("other", "t")
	other.send(`{"type":"OFFER","dst":"alive","payload":0}`)
	alive.expect(`{"type":"OFFER","src":"other","dst":"alive","payload":0}`)
}
