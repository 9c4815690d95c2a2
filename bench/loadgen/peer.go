package loadgen

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// HeartbeatInterval is how often the peerjs client sends HEARTBEAT
// (lib/peer.ts pingInterval default, 5000 ms).
const HeartbeatInterval = 5 * time.Second

// writeTimeout bounds one write; a server that does not read for this long
// has failed the scenario anyway.
const writeTimeout = 15 * time.Second

var heartbeat = []byte(`{"type":"HEARTBEAT"}`)

// epoch is the zero of the timestamps in payloads. They are nanoseconds on
// the monotonic clock since this process started: small enough to survive
// peerjs-server's round trip through a JavaScript number (exact below 2^53)
// and immune to wall-clock steps.
var epoch = time.Now()

func monoNow() int64 { return int64(time.Since(epoch)) }

// Handler receives each message on the peer's read goroutine, in order.
type Handler func(p *Peer, m Message)

// Peer is one PeerJS client connection.
type Peer struct {
	ID    string
	Index int // the scenario's number for this peer, sent as payload "from"

	ws      *websocket.Conn
	handler Handler
	onClose func(p *Peer, err error)

	wmu    sync.Mutex // gorilla/websocket allows one writer at a time
	buf    []byte     // frame being built, under wmu
	hb     *time.Timer
	closed atomic.Bool

	done chan struct{}
	err  error // why the read loop ended; valid once done is closed
}

// DialOptions are the callbacks of a new Peer. Both run on its read
// goroutine; onClose runs once, after the last message.
type DialOptions struct {
	Handler Handler
	OnClose func(p *Peer, err error)
}

// RejectedError is the server refusing a peer with ERROR or ID-TAKEN.
type RejectedError struct {
	Type, Text string
}

func (e *RejectedError) Error() string {
	return fmt.Sprintf("server refused the peer: %s %q", e.Type, e.Text)
}

// Dial opens a peer's socket and waits for OPEN, then starts its read loop
// and heartbeat.
func Dial(ctx context.Context, d *websocket.Dialer, t Target, id string, index int, o DialOptions) (*Peer, error) {
	ctx, cancel := context.WithTimeout(ctx, handshakeTimeout)
	defer cancel()
	ws, resp, err := d.DialContext(ctx, t.wsURL(id, newToken()), nil)
	if resp != nil && resp.Body != nil {
		_ = resp.Body.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("open socket for %s: %w", id, err)
	}
	deadline, _ := ctx.Deadline()
	_ = ws.SetReadDeadline(deadline)
	_, data, err := ws.ReadMessage()
	if err != nil {
		_ = ws.Close()
		return nil, fmt.Errorf("wait for OPEN for %s: %w", id, err)
	}
	m, err := parse(data)
	switch {
	case err != nil:
		_ = ws.Close()
		return nil, fmt.Errorf("wait for OPEN for %s: %w", id, err)
	case m.Type != TypeOpen:
		_ = ws.Close()
		return nil, fmt.Errorf("open %s: %w", id, &RejectedError{Type: m.Type, Text: m.Text})
	}
	_ = ws.SetReadDeadline(time.Time{})
	p := &Peer{ID: id, Index: index, ws: ws, handler: o.Handler, onClose: o.OnClose, done: make(chan struct{})}
	p.wmu.Lock()
	p.hb = time.AfterFunc(HeartbeatInterval, p.beat)
	p.wmu.Unlock()
	go p.readLoop()
	return p, nil
}

func (p *Peer) beat() {
	p.wmu.Lock()
	defer p.wmu.Unlock()
	if p.closed.Load() {
		return
	}
	_ = p.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
	if p.ws.WriteMessage(websocket.TextMessage, heartbeat) == nil {
		p.hb.Reset(HeartbeatInterval)
	}
}

func (p *Peer) readLoop() {
	defer close(p.done)
	for {
		_, data, err := p.ws.ReadMessage()
		if err != nil {
			if p.closed.Load() {
				err = nil // the end this side asked for
			}
			p.err = err
			break
		}
		m, err := parse(data)
		if err != nil {
			p.err = err
			break
		}
		if p.handler != nil {
			p.handler(p, m)
		}
	}
	p.stopHeartbeat()
	if p.onClose != nil {
		p.onClose(p, p.err)
	}
}

// Send writes a frame of typ to dst with a fresh timestamp.
func (p *Peer) Send(typ, dst string, seq int64, body []byte) error {
	p.wmu.Lock()
	defer p.wmu.Unlock()
	p.buf = appendFrame(p.buf[:0], typ, dst, p.Index, seq, monoNow(), body)
	_ = p.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
	if err := p.ws.WriteMessage(websocket.TextMessage, p.buf); err != nil {
		return fmt.Errorf("send %s from %s: %w", typ, p.ID, err)
	}
	return nil
}

// Done is closed when the read loop has ended.
func (p *Peer) Done() <-chan struct{} { return p.done }

// Err is why the connection ended: nil after Close, the server's close or
// a network error otherwise. Call it after Done.
func (p *Peer) Err() error { return p.err }

func (p *Peer) stopHeartbeat() {
	p.wmu.Lock()
	p.hb.Stop()
	p.wmu.Unlock()
}

// Close ends the connection. A graceful close sends a close frame and waits
// (up to wait) for the server's, as a browser does on peer.destroy(); an
// abrupt one drops the TCP connection, as a crashed tab does.
func (p *Peer) Close(graceful bool, wait time.Duration) {
	if p.closed.Swap(true) {
		<-p.done
		return
	}
	p.stopHeartbeat()
	if graceful {
		msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")
		if p.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(wait)) == nil {
			select {
			case <-p.done:
			case <-time.After(wait):
			}
		}
	}
	_ = p.ws.Close()
	<-p.done
}

// CloseCode is the close code the server sent, or 0.
func CloseCode(err error) int {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return 0
}
