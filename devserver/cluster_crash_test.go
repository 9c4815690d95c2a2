package devserver

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rtdev/rtdev/internal/testtool"
)

// crashReply is a bulk string of length 2^63-1: go-redis v9's reader
// allocates length+2 bytes for it, the length overflows, and make panics
// ("makeslice: len out of range") in whichever goroutine reads the reply.
const crashReply = "$9223372036854775807\r\n"

// crashProxy relays connections to a real Redis, and answers one chosen
// command (or a subscription, when told) with crashReply instead.
type crashProxy struct {
	addr   string
	target string

	mu      sync.Mutex
	trigger func(args []string) bool // the next command it matches gets reply
	reply   string
	fired   chan struct{} // closed once the trigger has fired
	subs    []*proxyConn  // connections that have subscribed
}

type proxyConn struct {
	client, server net.Conn
	mu             sync.Mutex // writes to client
	crashed        bool       // crashReply sent: nothing more is relayed
}

func newCrashProxy(t *testing.T, target string) *crashProxy {
	ln := listen(t)
	p := &crashProxy{addr: ln.Addr().String(), target: target}
	testtool.Serve(t, ln, p.relay)
	return p
}

// url is the Redis URL that leads through the proxy.
func (p *crashProxy) url() string { return "redis://" + p.addr + "/0" }

// arm makes the next command that match accepts get reply (crashReply,
// or a reply holding it where the command's reader wants it), and returns
// a channel closed when it has.
func (p *crashProxy) arm(match func(args []string) bool, reply string) <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.trigger, p.reply, p.fired = match, reply, make(chan struct{})
	return p.fired
}

// crashSubscribers sends crashReply to every subscribed connection, where
// the subscriber's next read takes it for a message; it returns how many.
func (p *crashProxy) crashSubscribers() int {
	p.mu.Lock()
	subs := p.subs
	p.subs = nil
	p.mu.Unlock()
	for _, c := range subs {
		c.crash(crashReply)
	}
	return len(subs)
}

// fire returns the reply for a command that trips the trigger, or "".
func (p *crashProxy) fire(args []string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.trigger == nil || !p.trigger(args) {
		return ""
	}
	p.trigger = nil
	close(p.fired)
	return p.reply
}

func (p *crashProxy) relay(client net.Conn) {
	server, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer server.Close()
	c := &proxyConn{client: client, server: server}
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := server.Read(buf)
			if n > 0 && !c.write(buf[:n]) || err != nil {
				_ = client.Close()
				return
			}
		}
	}()
	r := bufio.NewReader(client)
	for {
		raw, args, err := readCommand(r)
		if err != nil {
			return
		}
		if strings.EqualFold(args[0], "subscribe") {
			p.mu.Lock()
			p.subs = append(p.subs, c)
			p.mu.Unlock()
		}
		if reply := p.fire(args); reply != "" {
			c.crash(reply)
		}
		c.mu.Lock()
		crashed := c.crashed
		c.mu.Unlock()
		if crashed {
			// Closing now could reset the connection before the client
			// has read the reply; it closes it itself once it has.
			_, _ = io.Copy(io.Discard, r)
			return
		}
		if _, err := server.Write(raw); err != nil {
			return
		}
	}
}

func (c *proxyConn) write(b []byte) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.crashed {
		return false
	}
	_, err := c.client.Write(b)
	return err == nil
}

func (c *proxyConn) crash(reply string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.crashed {
		c.crashed = true
		_, _ = c.client.Write([]byte(reply))
		_ = c.server.Close()
	}
}

// readCommand reads one command as clients send it, an array of bulk
// strings, and returns its bytes and its arguments.
func readCommand(r *bufio.Reader) (raw []byte, args []string, err error) {
	// header reads "*N" or "$N" (as kind says) and returns N.
	header := func(kind byte) (int, error) {
		line, err := r.ReadString('\n')
		raw = append(raw, line...)
		if err != nil {
			return 0, err
		}
		n, err := strconv.Atoi(strings.TrimSuffix(line[1:], "\r\n"))
		if err != nil || line[0] != kind || n < 0 {
			return 0, fmt.Errorf("not a command: %q", line)
		}
		return n, nil
	}
	n, err := header('*')
	if err != nil || n == 0 {
		return nil, nil, fmt.Errorf("no command: %v", err)
	}
	for range n {
		size, err := header('$')
		if err != nil {
			return nil, nil, err
		}
		arg := make([]byte, size+2)
		if _, err := io.ReadFull(r, arg); err != nil {
			return nil, nil, err
		}
		raw = append(raw, arg...)
		args = append(args, string(arg[:size]))
	}
	return raw, args, nil
}

// A Redis reply that makes go-redis panic ends that broker connection, not
// the process, whichever goroutine reads it: one log line, the reconnect,
// and relay across instances works again.
func TestClusterSurvivesACrashingReply(t *testing.T) {
	for _, tc := range []struct {
		name string
		// crash makes the instance behind the proxy read crashReply and
		// checks what its peers saw meanwhile.
		crash func(t *testing.T, px *crashProxy, ts *testServer)
	}{
		{"claim in a peer's session", func(t *testing.T, px *crashProxy, ts *testServer) {
			fired := px.arm(hasArg(peerKey("crash")), crashReply)
			// Redis cannot say: admitted as with Redis away.
			ts.join("crash", "tc")
			<-fired
		}},
		{"route in the outbox", func(t *testing.T, px *crashProxy, ts *testServer) {
			a := ts.join("alice", "ta")
			fired := px.arm(hasArg(peerKey("nobody")), crashReply)
			a.send(`{"type":"OFFER","dst":"nobody","payload":1}`)
			<-fired
			// The message Redis did not place waits here and expires.
			a.expect(`{"type":"EXPIRE","src":"nobody","dst":"alice"}`)
		}},
		{"renewal in the keeper", func(t *testing.T, px *crashProxy, ts *testServer) {
			ts.join("alice", "ta")
			<-px.arm(renewal(peerKey("alice")), crashReply)
		}},
		{"message in the receive loop", func(t *testing.T, px *crashProxy, ts *testServer) {
			if n := px.crashSubscribers(); n != 1 {
				t.Fatalf("%d subscribed connections, want 1", n)
			}
		}},
		{"scan for /peers", func(t *testing.T, px *crashProxy, ts *testServer) {
			ts.join("alice", "ta")
			// SCAN's reader wants an array and reads the cursor as a string.
			fired := px.arm(command("scan"), "*2\r\n"+crashReply)
			if resp, body := ts.do("GET", "/peerjs/peers", nil); resp.StatusCode != 200 || body != `["alice"]` {
				t.Errorf("/peers: %d %s, want the peers here", resp.StatusCode, body)
			}
			<-fired
		}},
		{"exists for /id", func(t *testing.T, px *crashProxy, ts *testServer) {
			fired := px.arm(command("exists"), crashReply)
			if resp, body := ts.do("GET", "/peerjs/id", nil); resp.StatusCode != 200 || len(body) != 36 {
				t.Errorf("/id: %d %s, want an id", resp.StatusCode, body)
			}
			<-fired
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rp := testtool.Redis(t)
			px := newCrashProxy(t, rp.Addr())
			// Unbounded, so the reply reaches go-redis rather than stopping
			// at the bound (cluster/replylimit.go) that refuses it first.
			s := startInstances(t, Config{AllowDiscovery: true, ExpireTimeout: 300 * time.Millisecond, ClusterClaimTTL: 900 * time.Millisecond, unboundedReplies: true},
				px.url(), rp.URL())
			tc.crash(t, px, s[0])
			eventuallyTrue(t, "the crash logged", func() bool {
				return strings.Contains(s[0].logs.String(), "a reply from Redis crashed its client")
			})
			eventuallyTrue(t, "the broker back", func() bool { return s[0].cluster().Reachable })
			logs := s[0].logs.String()
			if n := strings.Count(logs, "crashed its client"); n != 1 || strings.Contains(logs, "cluster broker lost") {
				t.Errorf("%d crash lines and other loss lines, want the one crash line:\n%s", n, logs)
			}
			if !strings.Contains(logs, "level=ERROR") || !strings.Contains(logs, "makeslice: len out of range") {
				t.Errorf("the crash line lacks its level or cause:\n%s", logs)
			}
			if h := s[0].cluster(); h.Lost == 0 {
				t.Errorf("health after the crash: %+v", h)
			}

			// Relay across the instances both ways: the outbox, the
			// subscription and the claims work on the new connections.
			p := s[0].join("after-p", "tp")
			q := s[1].join("after-q", "tq")
			p.send(`{"type":"OFFER","dst":"after-q","payload":1}`)
			q.expect(`{"type":"OFFER","src":"after-p","dst":"after-q","payload":1}`)
			relayEventually(t, "relay to the crashed instance again", q, p,
				`{"type":"ANSWER","dst":"after-p","payload":2}`, `{"type":"ANSWER","src":"after-q","dst":"after-p","payload":2}`)
			if !s[1].srv.broker.inUse("after-p") {
				t.Error("the crashed instance's new claim is not in Redis")
			}
		})
	}
}

// command matches a command by its name.
func command(name string) func([]string) bool {
	return func(args []string) bool { return strings.EqualFold(args[0], name) }
}

// hasArg matches a command with arg among its arguments.
func hasArg(arg string) func([]string) bool {
	return func(args []string) bool {
		for _, a := range args[1:] {
			if a == arg {
				return true
			}
		}
		return false
	}
}

// renewal matches the renewal of the claim key: the only script run with
// that one key while its peer stays connected (claiming runs with two, and
// releasing only once the peer has gone).
func renewal(key string) func([]string) bool {
	return func(args []string) bool {
		return strings.EqualFold(args[0], "evalsha") && len(args) == 6 && args[2] == "1" && args[3] == key
	}
}
