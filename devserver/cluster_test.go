package devserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/rtdev/rtdev/internal/redisproc"
	"github.com/rtdev/rtdev/internal/testtool"
)

// startCluster runs n Servers, each on its own listener, as one realm on
// rp. cfg is the same for all of them.
func startCluster(t *testing.T, rp *redisproc.Proc, n int, cfg Config) []*testServer {
	t.Helper()
	urls := make([]string, n)
	for i := range urls {
		urls[i] = rp.URL()
	}
	return startInstances(t, cfg, urls...)
}

// startInstances runs one Server per URL, each on its own listener and
// with cfg otherwise: one realm when the URLs lead to one Redis.
func startInstances(t *testing.T, cfg Config, urls ...string) []*testServer {
	t.Helper()
	if cfg.ClusterClaimTTL == 0 {
		cfg.ClusterClaimTTL = 3 * time.Second
	}
	out := make([]*testServer, len(urls))
	for i := range out {
		cfg.ClusterURL = urls[i]
		out[i] = startServer(t, cfg)
	}
	// Runs before the servers stop and after the test's sockets closed:
	// every byte charged to a budget, wherever the message went, comes
	// back once the queues have drained or expired.
	t.Cleanup(func() {
		for _, ts := range out {
			ts.eventually("the byte budget back to zero", func(st Stats) bool {
				return st.QueuedBytes == 0 && st.OfflineQueues == 0
			})
		}
	})
	return out
}

func (ts *testServer) cluster() *ClusterHealth {
	return ts.srv.broker.health()
}

// peerKey is the Redis key of the claim on id in the default realm (path
// /, key peerjs), as package cluster lays it out.
func peerKey(id string) string { return "rtdev:%2F:peerjs:peer:" + id }

// eventuallyTrue polls cond until it holds or waitTimeout passes.
func eventuallyTrue(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestClusterRelayExactBytesInOrder(t *testing.T) {
	rp := testtool.Redis(t)
	s := startCluster(t, rp, 3, Config{})
	a := s[0].join("alice", "ta")
	b := s[1].join("bob", "tb")
	c := s[2].join("carol", "tc")

	// The payload goes through as sent: spacing, key order, escapes, HTML
	// characters and non-ASCII that a re-encoding would change.
	offer := `{ "sdp" : {"type":"offer","sdp":"v=0\r\no=- 1 2 IN IP4 10.0.0.7\r\na=<x>&y"}, "type":"data","connectionId":"dc_1","label":"é😀\u2028" }`
	a.send(`{"type":"OFFER","dst":"bob","src":"forged","payload":` + offer + `}`)
	b.expect(`{"type":"OFFER","src":"alice","dst":"bob","payload":` + offer + `}`)
	b.send(`{"type":"ANSWER","dst":"alice","payload":{"sdp":{"type":"answer","sdp":"v=0"}}}`)
	a.expect(`{"type":"ANSWER","src":"bob","dst":"alice","payload":{"sdp":{"type":"answer","sdp":"v=0"}}}`)

	// Trickled candidates from two senders to one destination stay in
	// order per sender.
	const n = 100
	for i := range n {
		a.send(fmt.Sprintf(`{"type":"CANDIDATE","dst":"carol","payload":{"candidate":{"candidate":"a%d"}}}`, i))
		b.send(fmt.Sprintf(`{"type":"CANDIDATE","dst":"carol","payload":{"candidate":{"candidate":"b%d"}}}`, i))
	}
	next := map[string]int{}
	for range 2 * n {
		var m struct {
			Type, Src, Dst string
			Payload        struct{ Candidate struct{ Candidate string } }
		}
		if err := json.Unmarshal([]byte(c.next()), &m); err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("%c%d", m.Src[0], next[m.Src])
		if m.Type != "CANDIDATE" || m.Dst != "carol" || m.Payload.Candidate.Candidate != want {
			t.Fatalf("got %+v, want candidate %s from %s", m, want, m.Src)
		}
		next[m.Src]++
	}
	a.send(`{"type":"LEAVE","dst":"carol"}`)
	c.expect(`{"type":"LEAVE","src":"alice","dst":"carol"}`)
	if h := s[0].cluster(); h.Forwarded == 0 || !h.Reachable || h.PeersHere != 1 {
		t.Errorf("health of the sender's instance: %+v", h)
	}
}

func TestClusterIDTakenAndSameTokenAcrossInstances(t *testing.T) {
	rp := testtool.Redis(t)
	s := startCluster(t, rp, 3, Config{})
	first := s[0].join("dup", "token-1")

	other := s[1].mustDial(peerQuery("dup", "token-2", "peerjs"))
	other.expect(`{"type":"ID-TAKEN","payload":{"msg":"ID is taken"}}`)

	// A reload with the same token on another instance gets OPEN; the old
	// socket is closed quietly, as on one server.
	again := s[2].join("dup", "token-1")
	first.expectClose(closeNormal, "same token")

	peer := s[1].join("peer", "tp")
	peer.send(`{"type":"OFFER","dst":"dup","payload":{"n":1}}`)
	again.expect(`{"type":"OFFER","src":"peer","dst":"dup","payload":{"n":1}}`)
	s[0].eventually("the replaced peer gone", func(st Stats) bool { return st.Peers == 0 })
}

func TestClusterOverrideAcrossInstances(t *testing.T) {
	rp := testtool.Redis(t)
	s := startCluster(t, rp, 2, Config{AllowOverride: true})
	old := s[0].join("dup", "token-1")
	newer := s[1].join("dup", "token-2")
	ce, msgs := old.closed()
	if len(msgs) != 1 || msgs[0] != `{"type":"OVERRIDE_CONNECTION","payload":{"msg":"`+msgOverridden+`"}}` {
		t.Errorf("old socket got %q before closing", msgs)
	}
	if ce.Code != closeOverridden {
		t.Errorf("old socket closed with %d %q, want %d", ce.Code, ce.Text, closeOverridden)
	}
	if st := s[1].srv.Stats(); st.Overrides != 1 {
		t.Errorf("overrides on the new instance: %d", st.Overrides)
	}
	s[0].eventually("the overridden peer gone", func(st Stats) bool { return st.Peers == 0 })
	// The id is the new socket's everywhere: messages reach it.
	p := s[0].join("p", "tp")
	p.send(`{"type":"CANDIDATE","dst":"dup","payload":1}`)
	newer.expect(`{"type":"CANDIDATE","src":"p","dst":"dup","payload":1}`)
}

func TestClusterExpireAndLateConnect(t *testing.T) {
	rp := testtool.Redis(t)
	const expire = 2 * time.Second
	s := startCluster(t, rp, 2, Config{ExpireTimeout: expire})
	a := s[0].join("alice", "ta")

	start := time.Now()
	a.send(`{"type":"OFFER","dst":"nobody","payload":{}}`)
	// A message for an id that connects on another instance within the
	// timeout is delivered there after OPEN, in order, and no EXPIRE comes
	// for it.
	a.send(`{"type":"OFFER","dst":"late","payload":{"n":1}}`)
	a.send(`{"type":"CANDIDATE","dst":"late","payload":{"n":2}}`)
	s[0].eventually("the messages queued", func(st Stats) bool { return st.QueuedMessages == 3 })
	late := s[1].join("late", "tl")
	late.expect(`{"type":"OFFER","src":"alice","dst":"late","payload":{"n":1}}`)
	late.expect(`{"type":"CANDIDATE","src":"alice","dst":"late","payload":{"n":2}}`)
	a.send(`{"type":"CANDIDATE","dst":"late","payload":{"n":3}}`)
	late.expect(`{"type":"CANDIDATE","src":"alice","dst":"late","payload":{"n":3}}`)

	a.expect(`{"type":"EXPIRE","src":"nobody","dst":"alice"}`)
	if d := time.Since(start); d < expire {
		t.Errorf("EXPIRE after %v, before the expire timeout", d)
	}
	s[0].eventually("the queues gone", func(st Stats) bool { return st.OfflineQueues == 0 })
}

func TestClusterExpireToSenderOnAnotherInstance(t *testing.T) {
	rp := testtool.Redis(t)
	s := startCluster(t, rp, 2, Config{ExpireTimeout: 300 * time.Millisecond})
	a := s[0].join("alice", "ta")
	b := s[1].join("bob", "tb")
	// bob leaves with a message in flight to him: it waits on the
	// instance that saw him gone, whose EXPIRE crosses back to alice.
	_ = b.c.Close()
	s[1].eventually("bob gone", func(st Stats) bool { return st.Peers == 0 })
	eventuallyTrue(t, "bob's claim released", func() bool { return !s[0].srv.broker.inUse("bob") })
	a.send(`{"type":"OFFER","dst":"bob","payload":{}}`)
	a.expect(`{"type":"EXPIRE","src":"bob","dst":"alice"}`)
}

// A message that reaches the holder's instance after its peer has gone
// waits there, and its EXPIRE crosses back to the sender's instance.
func TestClusterExpireCrossesBack(t *testing.T) {
	rp := testtool.Redis(t)
	s := startCluster(t, rp, 2, Config{ExpireTimeout: 300 * time.Millisecond})
	a := s[0].join("alice", "ta")
	// A claim of the second instance with no peer behind it: what Redis
	// shows in the moment between a peer's close and its release.
	rdb := redis.NewClient(&redis.Options{Addr: rp.Addr()})
	defer rdb.Close()
	claim := s[1].cluster().Instance + " x y" // instance, token hash, nonce
	if err := rdb.Set(context.Background(), peerKey("ghost"), claim, 0).Err(); err != nil {
		t.Fatal(err)
	}
	a.send(`{"type":"OFFER","dst":"ghost","payload":{}}`)
	s[1].eventually("the message queued on the holder's instance", func(st Stats) bool { return st.QueuedMessages == 1 })
	a.expect(`{"type":"EXPIRE","src":"ghost","dst":"alice"}`)
	eventuallyTrue(t, "the EXPIRE counted as forwarded", func() bool { return s[1].cluster().Forwarded == 1 })
	if h := s[1].cluster(); h.Received != 1 {
		t.Errorf("holder's instance: %+v", h)
	}
}

func TestClusterDiscoveryAndID(t *testing.T) {
	rp := testtool.Redis(t)
	taken := []string{"carol", "fresh"}
	calls := 0
	s := startCluster(t, rp, 3, Config{AllowDiscovery: true, GenerateID: func() string {
		calls++
		return taken[min(calls-1, 1)]
	}})
	s[0].join("alice", "ta")
	s[1].join("bob", "tb")
	s[2].join("carol", "tc")
	_, body := s[0].do("GET", "/peerjs/peers", nil)
	if body != `["alice","bob","carol"]` {
		t.Errorf("/peers = %s", body)
	}
	// carol is connected on another instance, so /id hands out the next.
	if _, body := s[0].do("GET", "/peerjs/id", nil); body != "fresh" {
		t.Errorf("/id = %q, want fresh", body)
	}
}

func TestClusterRedisLostAndBack(t *testing.T) {
	rp := testtool.Redis(t)
	s := startCluster(t, rp, 2, Config{ExpireTimeout: 300 * time.Millisecond, ClusterClaimTTL: 900 * time.Millisecond})
	a := s[0].join("alice", "ta")
	a2 := s[0].join("amy", "tm")
	b := s[1].join("bob", "tb")

	rp.Stop()
	eventuallyTrue(t, "the loss noticed", func() bool { return !s[0].cluster().Reachable })
	// Local peers keep relaying.
	a.send(`{"type":"OFFER","dst":"amy","payload":1}`)
	a2.expect(`{"type":"OFFER","src":"alice","dst":"amy","payload":1}`)
	// A cross-instance message comes back as EXPIRE.
	a.send(`{"type":"OFFER","dst":"bob","payload":2}`)
	a.expect(`{"type":"EXPIRE","src":"bob","dst":"alice"}`)
	if !strings.Contains(s[0].logs.String(), "cluster broker lost") {
		t.Error("no log line for the loss")
	}

	if err := rp.Restart(); err != nil {
		t.Fatal(err)
	}
	// The restarted Redis is empty: the instances claim their ids again
	// and relay resumes.
	relayEventually(t, "relay across instances again", a, b,
		`{"type":"CANDIDATE","dst":"bob","payload":3}`, `{"type":"CANDIDATE","src":"alice","dst":"bob","payload":3}`)
	eventuallyTrue(t, "claims back", func() bool { return s[1].srv.broker.inUse("alice") })
	other := s[1].mustDial(peerQuery("alice", "other-token", "peerjs"))
	other.expect(`{"type":"ID-TAKEN","payload":{"msg":"ID is taken"}}`)
	if n := strings.Count(s[0].logs.String(), "cluster broker connected"); n < 2 {
		t.Errorf("%d connect log lines, want one at start and one after the outage", n)
	}
}

// relayEventually sends msg from one peer until the other receives want:
// a path between instances that has just come back may drop the first
// ones (a subscription not yet made again). to has no other reader
// afterwards.
func relayEventually(t *testing.T, what string, from, to *peerConn, msg, want string) {
	t.Helper()
	got := to.stream()
	eventuallyTrue(t, what, func() bool {
		from.send(msg)
		select {
		case m := <-got:
			if m != want {
				t.Fatalf("got %s, want %s", m, want)
			}
			return true
		case <-time.After(200 * time.Millisecond):
			return false
		}
	})
}

// stream hands p's messages to a channel from now on; p has no other
// reader afterwards. gorilla's connection is unusable after a read times
// out, so waiting with a deadline is done here instead.
func (p *peerConn) stream() <-chan string {
	ch := make(chan string, 64)
	go func() {
		defer close(ch)
		for {
			_ = p.c.SetReadDeadline(waitDeadline())
			_, data, err := p.c.ReadMessage()
			if err != nil {
				return
			}
			ch <- string(data)
		}
	}()
	return ch
}

// While Redis is away two instances may each admit the same id. When it
// is back, the first to claim it keeps it; the other closes its peer with
// OVERRIDE_CONNECTION and 4001, as if overridden.
func TestClusterConflictAfterOutage(t *testing.T) {
	rp := testtool.Redis(t)
	s := startCluster(t, rp, 2, Config{ClusterClaimTTL: 900 * time.Millisecond})
	rp.Stop()
	for _, ts := range s {
		eventuallyTrue(t, "the loss noticed", func() bool { return !ts.cluster().Reachable })
	}
	x1 := s[0].join("x", "t1")
	x2 := s[1].join("x", "t2")
	if err := rp.Restart(); err != nil {
		t.Fatal(err)
	}
	eventuallyTrue(t, "the conflict settled", func() bool {
		return s[0].cluster().Conflicts+s[1].cluster().Conflicts == 1
	})
	loser, winner, winTS := x1, x2, s[1]
	if s[1].cluster().Conflicts == 1 {
		loser, winner, winTS = x2, x1, s[0]
	}
	ce, msgs := loser.closed()
	if ce.Code != closeOverridden || len(msgs) != 1 || !strings.Contains(msgs[0], typeOverridden) {
		t.Errorf("loser closed with %d after %q", ce.Code, msgs)
	}
	p := winTS.join("p", "tp")
	p.send(`{"type":"OFFER","dst":"x","payload":0}`)
	winner.expect(`{"type":"OFFER","src":"p","dst":"x","payload":0}`)
}

func TestClusterMalformedMessagesDropped(t *testing.T) {
	rp := testtool.Redis(t)
	s := startCluster(t, rp, 2, Config{})
	a := s[0].join("alice", "ta")
	b := s[1].join("bob", "tb")
	rdb := redis.NewClient(&redis.Options{Addr: rp.Addr()})
	defer rdb.Close()
	ch := "rtdev:%2F:peerjs:inst:" + s[1].cluster().Instance // the instance's channel in the default realm
	ctx := context.Background()
	bad := []string{"", "\x02m", "\x01m\x01a\x03bob\x01x\x05OFFER\x01\x02{", "\x01z\x01a\x01b",
		"\x01m\x01i\x03bob\x01s\x09HEARTBEAT\x00"} // a well-formed relay of a type peers may not send
	for _, m := range bad {
		if err := rdb.Publish(ctx, ch, m).Err(); err != nil {
			t.Fatal(err)
		}
	}
	eventuallyTrue(t, "malformed messages counted", func() bool { return s[1].cluster().Malformed == uint64(len(bad)) })
	a.send(`{"type":"OFFER","dst":"bob","payload":"ok"}`)
	b.expect(`{"type":"OFFER","src":"alice","dst":"bob","payload":"ok"}`)
}

func TestClusterPasswordRedacted(t *testing.T) {
	const secret = "s3cret-Passw0rd"
	rp := testtool.Redis(t, "--requirepass", secret)
	url := "redis://:" + secret + "@" + rp.Addr() + "/0"
	ts := startServer(t, Config{ClusterURL: url, ClusterClaimTTL: time.Second})
	ts.join("alice", "ta")
	h, _ := json.Marshal(ts.srv.Health("test", time.Second, CertHealth{}))
	if !strings.Contains(string(h), `"reachable":true`) || strings.Contains(string(h), secret) {
		t.Errorf("health %s", h)
	}
	rp.Stop()
	eventuallyTrue(t, "the loss noticed", func() bool { return !ts.cluster().Reachable })
	if logs := ts.logs.String(); strings.Contains(logs, secret) || !strings.Contains(logs, "xxxxx") {
		t.Errorf("logs show the password, or no redacted URL:\n%s", logs)
	}

	// The password from Config.ClusterPassword (REDIS_PASSWORD), and a
	// wrong one refused at New without showing it.
	if err := rp.Restart(); err != nil {
		t.Fatal(err)
	}
	_, err := New(Config{ClusterURL: rp.URL(), ClusterPassword: "wrong-" + secret})
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("New with a wrong password: %v", err)
	}
	srv, err := New(Config{ClusterURL: rp.URL(), ClusterPassword: secret})
	if err != nil {
		t.Fatal(err)
	}
	_ = srv.Shutdown(context.Background())
}

func TestClusterUnreachableAtStart(t *testing.T) {
	ln := listen(t)
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	_, err := New(Config{ClusterURL: "redis://:hunter2@" + addr + "/0"})
	var ce *ClusterError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), addr) || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("New: %v", err)
	}
	_, err = New(Config{ClusterURL: "http://x:y@localhost/"})
	var cfgErr *ConfigError
	if !errors.As(err, &cfgErr) || cfgErr.Field != "ClusterURL" || strings.Contains(err.Error(), "x:y") {
		t.Fatalf("New with a bad URL: %v", err)
	}
}

func TestClusterHealthOnlyWithCluster(t *testing.T) {
	ts := startServer(t, Config{})
	h, _ := json.Marshal(ts.srv.Health("test", time.Second, CertHealth{}))
	if strings.Contains(string(h), "cluster") {
		t.Errorf("single-server health has a cluster part: %s", h)
	}
	resp, _ := ts.do(http.MethodGet, "/peerjs/id", nil)
	if resp.StatusCode != 200 {
		t.Errorf("/id: %d", resp.StatusCode)
	}
}
