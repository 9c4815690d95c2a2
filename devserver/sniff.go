package devserver

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// recordTypeHandshake is the first byte of every TLS connection: a
// handshake record carrying the ClientHello (RFC 8446 section 5.1).
const recordTypeHandshake = 0x16

// plaintextReadLimit bounds how much of a plain-HTTP request is read to
// find its Host and path.
const plaintextReadLimit = 16 << 10

// errPlaintext ends a connection that did not start with TLS; the TLS layer
// reports it as a handshake failure, which Serve logs at Debug only.
var errPlaintext = errors.New("plain HTTP on the TLS port: answered with the https:// URL")

// sniffListener wraps the TCP listener under the TLS one. Without it a
// ws:// or http:// client gets a TLS alert or Go's generic "Client sent an
// HTTP request to an HTTPS server", and the browser shows
// ERR_SSL_PROTOCOL_ERROR or a failed WebSocket with no hint of the fix.
// The check runs on the connection's first Read, in the connection's own
// goroutine under net/http's handshake deadline, so Accept never waits on a
// client.
//
// With Config.PlainHTTP set, a plain connection is handed to a second
// http.Server (plainSide) instead of being answered here.
type sniffListener struct {
	net.Listener
	s         *Server
	plainOnce sync.Once
	plain     *plainSide
}

func (l *sniffListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	if l.s.cfg.PlainHTTP != nil {
		l.plainOnce.Do(func() { l.plain = newPlainSide(l.s, l.Listener.Addr()) })
	}
	return &sniffConn{Conn: c, s: l.s, plain: l.plain}, nil
}

// Close also stops the plain-HTTP server: http.Server.Shutdown closes its
// listeners, so the two sides end together.
func (l *sniffListener) Close() error {
	l.plainOnce.Do(func() {})
	if l.plain != nil {
		l.plain.close()
	}
	return l.Listener.Close()
}

// sniffConn passes reads through once the first byte shows a TLS handshake.
type sniffConn struct {
	net.Conn
	s     *Server
	plain *plainSide // nil without Config.PlainHTTP
	once  sync.Once
	first []byte // the sniffed byte, not yet returned to the reader
	err   error
	// handed is set once the socket belongs to the plain server: the TLS
	// server's later Close, Write and deadline calls must not touch it.
	handed atomic.Bool
}

func (c *sniffConn) Close() error {
	if c.handed.Load() {
		return nil
	}
	return c.Conn.Close()
}

func (c *sniffConn) Write(p []byte) (int, error) {
	if c.handed.Load() {
		return 0, errPlaintext
	}
	return c.Conn.Write(p)
}

func (c *sniffConn) SetDeadline(t time.Time) error {
	if c.handed.Load() {
		return nil
	}
	return c.Conn.SetDeadline(t)
}

func (c *sniffConn) SetReadDeadline(t time.Time) error {
	if c.handed.Load() {
		return nil
	}
	return c.Conn.SetReadDeadline(t)
}

func (c *sniffConn) SetWriteDeadline(t time.Time) error {
	if c.handed.Load() {
		return nil
	}
	return c.Conn.SetWriteDeadline(t)
}

func (c *sniffConn) Read(p []byte) (int, error) {
	c.once.Do(c.sniff)
	if c.err != nil {
		return 0, c.err
	}
	if len(c.first) > 0 && len(p) > 0 {
		n := copy(p, c.first)
		c.first = c.first[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}

func (c *sniffConn) sniff() {
	b := make([]byte, 1)
	if _, err := io.ReadFull(c.Conn, b); err != nil {
		c.err = err
		return
	}
	if b[0] == recordTypeHandshake {
		c.first = b
		return
	}
	c.err = errPlaintext
	if c.plain != nil {
		// The plain server owns the socket from here; it clears the TLS
		// handshake's read deadline with its own.
		c.handed.Store(true)
		c.plain.hand(&replayConn{Conn: c.Conn, first: b})
		return
	}
	c.s.stats.plaintext.Add(1)
	c.answerPlaintext(b)
}

// answerPlaintext reads the plain request (if it is HTTP) and answers 400
// with the URL the client should have used.
func (c *sniffConn) answerPlaintext(first []byte) {
	_, port, _ := net.SplitHostPort(c.LocalAddr().String())
	host, path := "", "/"
	br := bufio.NewReader(io.LimitReader(io.MultiReader(bytes.NewReader(first), c.Conn), plaintextReadLimit))
	if req, err := http.ReadRequest(br); err == nil {
		host, path = req.Host, req.URL.Path
	}
	hostport := answerHostPort(host, port)
	body := plaintextAnswer(hostport, port, path)
	c.s.log.Warn("plain HTTP request on the TLS port", "remote", c.RemoteAddr().String(), "path", path, "use", "https://"+hostport+path)
	_ = c.SetWriteDeadline(time.Now().Add(c.s.cfg.WriteTimeout))
	_, _ = fmt.Fprintf(c.Conn, "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"+
		"Content-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
}

// answerHostPort is host:port for the text answer: the host the client
// asked for (its Host header, which it can read back only itself), on
// this port; localhost when it sent none.
func answerHostPort(hostHeader, port string) string {
	host := hostHeader
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if host == "" {
		host = "localhost"
	}
	return net.JoinHostPort(strings.Trim(host, "[]"), port)
}

// plaintextAnswer is the text a plain-HTTP client gets on the TLS port.
func plaintextAnswer(hostport, port, path string) string {
	return "This port (" + port + ") speaks TLS only.\n" +
		"Use https://" + hostport + path + " and wss:// for WebSockets, not http:// or ws://.\n" +
		"PeerJS: pass secure: true and port: " + port + " to new Peer(...); without secure it follows the page, and an http:// page makes it use ws://.\n"
}
