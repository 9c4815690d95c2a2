package loadgen

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
)

// The echo measurements of the proxy-overhead benchmark. Each runs against
// the plain echo backend (bench/echo), once reached directly and once
// through rtdev proxy; a Target with a nil TLS is the direct, plain one.
const (
	// EchoPingPong: each client sends a message and waits for its echo
	// before the next: round-trip latency, and round trips per second.
	EchoPingPong = "ping-pong"
	// EchoStream: each client writes messages back to back while it reads
	// the echoes, so the pipe is always full: messages and MiB per second.
	EchoStream = "stream"
	// EchoHTTP: each client POSTs a body to /echo on its own keep-alive
	// connection and reads the answer before the next: requests per second.
	EchoHTTP = "http"
)

// EchoConfig is one echo measurement.
type EchoConfig struct {
	Test         string        `json:"test"`    // EchoPingPong, EchoStream or EchoHTTP
	Clients      int           `json:"clients"` // WebSockets, or HTTP connections
	MessageBytes int           `json:"message_bytes"`
	Warmup       time.Duration `json:"warmup"` // running before the measured window
	Duration     time.Duration `json:"duration"`
}

// EchoResult is one echo measurement.
type EchoResult struct {
	EchoConfig
	Via               string   `json:"via"` // how the backend was reached; set by the caller
	WindowSeconds     float64  `json:"window_s"`
	Operations        int64    `json:"operations"` // round trips, echoed messages or requests completed in the window
	OpsPerSec         float64  `json:"operations_per_s"`
	MiBPerSec         float64  `json:"echoed_mib_per_s"` // payload that came back, per second
	LatencyP50Ms      float64  `json:"latency_p50_ms"`   // send to echo received; 0 for a stream
	LatencyP99Ms      float64  `json:"latency_p99_ms"`
	ServerCPUSeconds  float64  `json:"server_cpu_s"` // every process behind the Target's Meter
	LoadgenCPUSeconds float64  `json:"loadgen_cpu_s"`
	ErrorCount        int      `json:"error_count"`
	Errors            []string `json:"errors,omitempty"`
}

// echoRun is what the clients of one measurement share.
type echoRun struct {
	cfg     EchoConfig
	payload []byte // the message; its first 8 bytes are replaced by a sequence number
	phase   atomic.Int32
	latency [][]int64 // round-trip times (ns) in the window, by client; only that client writes it
	ops     atomic.Int64
	errs    errorList
}

// seqBytes is the sequence number at the start of each message, by which an
// echo is matched to what was sent.
const seqBytes = 8

// echoDeadline bounds any one read or write, so a stuck backend or proxy
// ends the run with an error instead of hanging it.
const echoDeadline = 30 * time.Second

// Echo runs one echo measurement against t.
func Echo(ctx context.Context, t Target, cfg EchoConfig) (EchoResult, error) {
	if cfg.Clients < 1 || cfg.Duration <= 0 || cfg.MessageBytes < seqBytes {
		return EchoResult{}, fmt.Errorf("echo: need a client, a duration and messages of at least %d bytes", seqBytes)
	}
	r := &echoRun{cfg: cfg, payload: make([]byte, cfg.MessageBytes), latency: make([][]int64, cfg.Clients)}
	_, _ = rand.Read(r.payload) // incompressible, like the media and JSON a real app sends
	var client func(i int)
	var cleanup func()
	switch cfg.Test {
	case EchoPingPong, EchoStream:
		conns, err := r.dialAll(ctx, t)
		cleanup = func() {
			for _, c := range conns {
				_ = c.Close()
			}
		}
		if err != nil {
			cleanup()
			return EchoResult{}, fmt.Errorf("echo %s: %w", cfg.Test, err)
		}
		client = func(i int) { r.pingPong(conns[i], i) }
		if cfg.Test == EchoStream {
			client = func(i int) { r.stream(conns[i]) }
		}
	case EchoHTTP:
		hc := t.echoHTTPClient(cfg.Clients)
		cleanup = hc.CloseIdleConnections
		url := t.echoURL("http", "/echo")
		client = func(i int) { r.post(ctx, hc, url, i) }
	default:
		return EchoResult{}, fmt.Errorf("echo: unknown test %q (want %s, %s or %s)", cfg.Test, EchoPingPong, EchoStream, EchoHTTP)
	}
	defer cleanup()

	var wg sync.WaitGroup
	for i := range cfg.Clients {
		wg.Go(func() { client(i) })
	}
	res, err := r.measure(ctx, t)
	r.phase.Store(phaseDrain)
	if !waitGroupTimeout(&wg, echoDeadline) {
		cleanup() // unblocks a client stuck in a read or write
		r.errs.add(errors.New("clients still busy 30s after the window closed"))
		wg.Wait()
	}
	r.tally(&res)
	res.EchoConfig = cfg
	res.ErrorCount, res.Errors = r.errs.snapshot()
	return res, err
}

// measure lets the clients warm up, then times the window and reads what
// the server side and the load generator spent in it.
func (r *echoRun) measure(ctx context.Context, t Target) (EchoResult, error) {
	if !sleepCtx(ctx, r.cfg.Warmup) {
		return EchoResult{}, ctx.Err()
	}
	w, err := measureWindow(ctx, t.Meter, r.cfg.Duration, &r.phase)
	if err != nil {
		return EchoResult{}, fmt.Errorf("echo: %w", err)
	}
	return EchoResult{
		WindowSeconds:     w.window.Seconds(),
		ServerCPUSeconds:  w.serverCPU.Seconds(),
		LoadgenCPUSeconds: w.loadgenCPU.Seconds(),
	}, nil
}

// tally adds what the clients counted; call it once they have stopped, as
// one may still be filing the operation it finished as the window closed.
func (r *echoRun) tally(res *EchoResult) {
	res.Operations = r.ops.Load()
	if res.WindowSeconds > 0 {
		res.OpsPerSec = float64(res.Operations) / res.WindowSeconds
	}
	res.MiBPerSec = res.OpsPerSec * float64(r.cfg.MessageBytes) / (1 << 20)
	res.LatencyP50Ms, res.LatencyP99Ms = latencySummary(r.latency)
}

// done reports whether the window has closed, so the clients stop.
func (r *echoRun) done() bool { return r.phase.Load() >= phaseDrain }

// count files one completed operation, and its round trip if it had one,
// when it completed inside the window.
func (r *echoRun) count(client int, rtt time.Duration) {
	if r.phase.Load() != phaseWindow {
		return
	}
	r.ops.Add(1)
	if rtt > 0 {
		r.latency[client] = append(r.latency[client], int64(rtt))
	}
}

// fail files err unless the window has closed: then the end of the run,
// not the system under test, cut the operation off.
func (r *echoRun) fail(err error) {
	if !r.done() {
		r.errs.add(err)
	}
}

// dialAll opens one WebSocket to /ws per client, before any is timed.
func (r *echoRun) dialAll(ctx context.Context, t Target) ([]*websocket.Conn, error) {
	d := t.echoDialer()
	url := t.echoURL("ws", "/ws")
	var conns []*websocket.Conn
	for range r.cfg.Clients {
		c, resp, err := d.DialContext(ctx, url, nil)
		if err != nil {
			if resp != nil {
				err = fmt.Errorf("%w (%s)", err, resp.Status)
			}
			return conns, fmt.Errorf("dial %s: %w", url, err)
		}
		conns = append(conns, c)
	}
	return conns, nil
}

// pingPong sends a message, waits for its echo, and again, until the window
// closes.
func (r *echoRun) pingPong(c *websocket.Conn, client int) {
	defer closeEcho(c)
	msg := bytes.Clone(r.payload)
	var in bytes.Buffer
	for seq := uint64(0); !r.done(); seq++ {
		binary.BigEndian.PutUint64(msg, seq)
		_ = c.SetWriteDeadline(time.Now().Add(echoDeadline))
		_ = c.SetReadDeadline(time.Now().Add(echoDeadline))
		start := time.Now()
		if err := c.WriteMessage(websocket.BinaryMessage, msg); err != nil {
			r.fail(fmt.Errorf("ping-pong write: %w", err))
			return
		}
		got, err := readMessage(c, &in)
		rtt := time.Since(start)
		if err != nil {
			r.fail(fmt.Errorf("ping-pong read: %w", err))
			return
		}
		if !bytes.Equal(got, msg) {
			r.fail(fmt.Errorf("ping-pong: echo of message %d differs (%d bytes back, %d sent)", seq, len(got), len(msg)))
			return
		}
		r.count(client, rtt)
	}
}

// stream writes messages back to back on one goroutine while this one
// reads their echoes in order. TCP's flow control through the backend (and
// the proxy) keeps the writer from running ahead without bound. After the
// window the writer stops and every message it sent must still come back
// before the connection is closed: a lost or reordered echo is an error.
func (r *echoRun) stream(c *websocket.Conn) {
	writerDone := make(chan struct{})
	var sent uint64 // valid once writerDone is closed
	go func() {
		defer close(writerDone)
		msg := bytes.Clone(r.payload)
		for ; !r.done(); sent++ {
			binary.BigEndian.PutUint64(msg, sent)
			_ = c.SetWriteDeadline(time.Now().Add(echoDeadline))
			if err := c.WriteMessage(websocket.BinaryMessage, msg); err != nil {
				r.fail(fmt.Errorf("stream write: %w", err))
				return
			}
		}
	}()
	defer func() {
		<-writerDone
		closeEcho(c)
	}()
	var in bytes.Buffer
	for want := uint64(0); ; want++ {
		if r.done() {
			<-writerDone
			if want == sent {
				return
			}
		}
		_ = c.SetReadDeadline(time.Now().Add(echoDeadline))
		got, err := readMessage(c, &in)
		if err != nil {
			r.errs.add(fmt.Errorf("stream read, echo %d: %w", want, err))
			_ = c.Close() // unblocks the writer
			return
		}
		if len(got) != len(r.payload) || binary.BigEndian.Uint64(got) != want || !bytes.Equal(got[seqBytes:], r.payload[seqBytes:]) {
			r.errs.add(fmt.Errorf("stream: echo %d is not message %d as sent (%d bytes)", want, want, len(got)))
			_ = c.Close()
			return
		}
		r.count(0, 0)
	}
}

// closeEcho ends a WebSocket as a browser does: a close frame, then the
// wait for the other side's, so the proxy sees a normal close rather than
// a lost connection.
func closeEcho(c *websocket.Conn) {
	msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")
	if c.WriteControl(websocket.CloseMessage, msg, time.Now().Add(time.Second)) == nil {
		_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
		for {
			if _, _, err := c.NextReader(); err != nil {
				break
			}
		}
	}
	_ = c.Close()
}

// post sends the payload to /echo and reads the answer, until the window
// closes.
func (r *echoRun) post(ctx context.Context, hc *http.Client, url string, client int) {
	var in bytes.Buffer
	for !r.done() {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(r.payload))
		if err != nil {
			r.fail(err)
			return
		}
		start := time.Now()
		resp, err := hc.Do(req)
		if err != nil {
			r.fail(fmt.Errorf("http: %w", err))
			return
		}
		in.Reset()
		_, err = in.ReadFrom(resp.Body)
		_ = resp.Body.Close()
		rtt := time.Since(start)
		switch {
		case err != nil:
			r.fail(fmt.Errorf("http: read answer: %w", err))
			return
		case resp.StatusCode != http.StatusOK || !bytes.Equal(in.Bytes(), r.payload):
			r.fail(fmt.Errorf("http: POST /echo answered %s with %d bytes, want 200 and the %d sent", resp.Status, in.Len(), len(r.payload)))
			return
		}
		r.count(client, rtt)
	}
}

// readMessage reads the next message into buf, which is reused so the
// load generator does not allocate a fresh 64 KiB per echo.
func readMessage(c *websocket.Conn, buf *bytes.Buffer) ([]byte, error) {
	_, rd, err := c.NextReader()
	if err != nil {
		return nil, err
	}
	buf.Reset()
	if _, err := buf.ReadFrom(rd); err != nil && !errors.Is(err, io.EOF) {
		return nil, err
	}
	return buf.Bytes(), nil
}

// echoURL is the URL of path on the echo backend: scheme "http" or "ws",
// with TLS ("https", "wss") and the certificate's name when the Target has
// a TLS config (the proxy), else plain to its address.
func (t Target) echoURL(scheme, path string) string {
	if t.TLS == nil {
		return scheme + "://" + t.Addr + path
	}
	return scheme + "s://" + t.ServerName + path
}

// echoDialer is t.dialer, or a plain one for a Target without TLS.
func (t Target) echoDialer() *websocket.Dialer {
	if t.TLS != nil {
		return t.dialer()
	}
	return &websocket.Dialer{NetDialContext: t.dialContext, HandshakeTimeout: handshakeTimeout}
}

// echoHTTPClient keeps one keep-alive connection per client, HTTP/1.1 as
// the proxy serves it.
func (t Target) echoHTTPClient(clients int) *http.Client {
	tr := &http.Transport{DialContext: t.dialContext, MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	if t.TLS != nil {
		tr.TLSClientConfig = t.tlsConfig()
	}
	return &http.Client{Timeout: echoDeadline, Transport: tr}
}
