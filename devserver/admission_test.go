package devserver

import (
	"strings"
	"testing"

	"github.com/gorilla/websocket"
)

// Every refusal is one message with upstream's exact JSON, then a bare close
// frame (the client sees 1005), as peerjs-server's ws.close().
func TestAdmissionRejections(t *testing.T) {
	ts := startServer(t, Config{MaxIDLen: 8, MaxTokenLen: 8})
	ts.join("taken", "tok1")
	missing := `{"type":"ERROR","payload":{"msg":"No id, token, or key supplied to websocket server"}}`
	tests := []struct {
		name, query, want string
	}{
		{"no id", "token=t&key=peerjs", missing},
		{"no token", "id=a&key=peerjs", missing},
		{"no key", "id=a&token=t", missing},
		{"empty id", "id=&token=t&key=peerjs", missing},
		{"nothing", "", missing},
		// The key is checked before the id: a taken id with a bad key is
		// an invalid key, as upstream.
		{"wrong key", "id=taken&token=t&key=nope", `{"type":"ERROR","payload":{"msg":"Invalid key provided"}}`},
		{"id taken", "id=taken&token=other&key=peerjs", `{"type":"ID-TAKEN","payload":{"msg":"ID is taken"}}`},
		{"id too long", "id=123456789&token=t&key=peerjs", `{"type":"ERROR","payload":{"msg":"ID is too long: at most 8 bytes"}}`},
		{"token too long", "id=a&token=123456789&key=peerjs", `{"type":"ERROR","payload":{"msg":"Token is too long: at most 8 bytes"}}`},
		// Ids and tokens are text: invalid UTF-8 or a control character
		// gets upstream's ERROR for unusable parameters.
		{"id not UTF-8", "id=al%FFce&token=t&key=peerjs", missing},
		{"id with ESC", "id=a%1B%5B2J&token=t&key=peerjs", missing},
		{"id with C1", "id=a%C2%9Bb&token=t&key=peerjs", missing},
		{"token not UTF-8", "id=a&token=t%FE&key=peerjs", missing},
		{"token with NUL", "id=a&token=t%00&key=peerjs", missing},
		// The last of repeated parameters counts, as with URLSearchParams
		// and Object.fromEntries upstream.
		{"last key wins", "id=a&token=t&key=peerjs&key=bad", `{"type":"ERROR","payload":{"msg":"Invalid key provided"}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := ts.mustDial(tt.query)
			p.expect(tt.want)
			p.expectClose(websocket.CloseNoStatusReceived, "")
		})
	}
	if got := ts.srv.Stats().Rejected; got != uint64(len(tests)) {
		t.Errorf("Stats.Rejected = %d, want %d", got, len(tests))
	}
}

func TestAdmissionLastParamWins(t *testing.T) {
	ts := startServer(t, Config{AllowDiscovery: true})
	ts.join("first", "t").send(`{"type":"HEARTBEAT"}`)
	p := ts.mustDial("id=x&id=second&token=t&key=bad&key=peerjs")
	p.expect(`{"type":"OPEN"}`)
	if _, body := ts.do("GET", "/peerjs/peers", nil); body != `["first","second"]` {
		t.Errorf("peers = %s", body)
	}
}

// With a limit of 1 the second id is refused, and the slot frees once the
// first peer's socket closes.
func TestAdmissionConcurrentLimit(t *testing.T) {
	ts := startServer(t, Config{ConcurrentLimit: 1})
	a := ts.join("a", "t")
	b := ts.mustDial(peerQuery("b", "t", "peerjs"))
	b.expect(`{"type":"ERROR","payload":{"msg":"Server has reached its concurrent user limit"}}`)
	b.expectClose(websocket.CloseNoStatusReceived, "")
	// A reattach is not a new registration and is not limited.
	a2 := ts.join("a", "t")
	a.expectClose(websocket.CloseNormalClosure, "same token")
	if err := a2.c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), waitDeadline()); err != nil {
		t.Fatal(err)
	}
	ts.eventually("a to unregister", func(s Stats) bool { return s.Peers == 0 })
	ts.join("b", "t")
}

// A same-token reconnect gets OPEN (the fix proposed in
// peers/peerjs-server#462; upstream sends nothing), takes over delivery, and
// the old socket's late close does not unregister it.
func TestSameTokenReconnectGetsOpen(t *testing.T) {
	ts := startServer(t, Config{})
	old := ts.join("alice", "tok")
	bob := ts.join("bob", "t")
	fresh := ts.join("alice", "tok")
	old.expectClose(websocket.CloseNormalClosure, "same token")
	bob.send(`{"type":"OFFER","dst":"alice","payload":{"n":1}}`)
	fresh.expect(`{"type":"OFFER","src":"bob","dst":"alice","payload":{"n":1}}`)
	if s := ts.srv.Stats(); s.Peers != 2 {
		t.Errorf("peers = %d, want 2", s.Peers)
	}
}

// Without AllowOverride the holder of an id is untouched by an ID-TAKEN.
func TestIDTakenLeavesHolder(t *testing.T) {
	ts := startServer(t, Config{})
	holder := ts.join("alice", "tok")
	bob := ts.join("bob", "t")
	p := ts.mustDial(peerQuery("alice", "other", "peerjs"))
	p.expect(`{"type":"ID-TAKEN","payload":{"msg":"ID is taken"}}`)
	p.expectClose(websocket.CloseNoStatusReceived, "")
	bob.send(`{"type":"ANSWER","dst":"alice","payload":{}}`)
	holder.expect(`{"type":"ANSWER","src":"bob","dst":"alice","payload":{}}`)
}

// With AllowOverride a new token takes the id: the old socket is told and
// closed with 4001, the new one gets OPEN and the traffic, and the old
// socket's late close does not unregister the new one.
func TestOverride(t *testing.T) {
	ts := startServer(t, Config{AllowOverride: true})
	old := ts.join("alice", "secret-old")
	bob := ts.join("bob", "t")
	fresh := ts.join("alice", "secret-new")

	ce, msgs := old.closed()
	want := `{"type":"OVERRIDE_CONNECTION","payload":{"msg":"Another connection took over this ID (the server runs with allow-override)"}}`
	if len(msgs) != 1 || msgs[0] != want {
		t.Errorf("old socket got %q before closing, want %s", msgs, want)
	}
	if ce.Code != closeOverridden || !strings.Contains(ce.Text, "taken over") {
		t.Errorf("old socket closed with %d %q", ce.Code, ce.Text)
	}
	// The old socket is fully gone once the server counts one connection
	// fewer; only then would a buggy close handler unregister alice.
	ts.eventually("old socket to end", func(s Stats) bool { return s.Connections == 2 })
	bob.send(`{"type":"OFFER","dst":"alice","payload":{"sdp":"x"}}`)
	fresh.expect(`{"type":"OFFER","src":"bob","dst":"alice","payload":{"sdp":"x"}}`)
	// The record took the new token: reconnecting with it is a same-token
	// reattach (closed with 1000), not another override (4001).
	ts.join("alice", "secret-new")
	fresh.expectClose(websocket.CloseNormalClosure, "same token")

	s := ts.srv.Stats()
	if s.Overrides != 1 || s.Peers != 2 || s.Evicted != 0 {
		t.Errorf("stats %+v, want 1 override and 2 peers", s)
	}
	logs := ts.logs.String()
	if !strings.Contains(logs, "peer id taken over") || !strings.Contains(logs, "id=alice") {
		t.Errorf("override not logged:\n%s", logs)
	}
	if strings.Contains(logs, "secret-") {
		t.Errorf("a token reached the log:\n%s", logs)
	}
}

// An id that is not valid UTF-8 is refused, not relayed: it would reach
// other peers as U+FFFD, the same JSON string as a real peer's id. The log
// shows it escaped.
func TestAdmissionNonTextIDNotRelayed(t *testing.T) {
	ts := startServer(t, Config{})
	b := ts.join("b", "t")
	for _, query := range []string{"id=al%FFce&token=t&key=peerjs", "id=a%1B%5B31mlice&token=t&key=peerjs"} {
		bad := ts.mustDial(query)
		// Sent at once, before the refusal is read: the server must drop it.
		bad.send(`{"type":"OFFER","dst":"b","payload":"spoof"}`)
		bad.expect(`{"type":"ERROR","payload":{"msg":"No id, token, or key supplied to websocket server"}}`)
		bad.expectClose(websocket.CloseNoStatusReceived, "")
	}
	ts.join("alice", "t").send(`{"type":"OFFER","dst":"b","payload":"real"}`)
	b.expect(`{"type":"OFFER","src":"alice","dst":"b","payload":"real"}`)
	if s := ts.srv.Stats(); s.Peers != 2 || s.Rejected != 2 {
		t.Errorf("stats %+v, want 2 peers and 2 rejected", s)
	}
	logs := ts.logs.String()
	if strings.Contains(logs, "\xff") || strings.Contains(logs, "\x1b") {
		t.Errorf("raw bytes of a bad id reached the log:\n%q", logs)
	}
	for _, want := range []string{`al\xffce`, `a\x1b[31mlice`, "id is not valid UTF-8"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %s:\n%s", want, logs)
		}
	}
}
