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
type sniffListener struct {
	net.Listener
	s *Server
}

func (l *sniffListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &sniffConn{Conn: c, s: l.s}, nil
}

// sniffConn passes reads through once the first byte shows a TLS handshake.
type sniffConn struct {
	net.Conn
	s     *Server
	once  sync.Once
	first []byte // the sniffed byte, not yet returned to the reader
	err   error
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
	c.s.stats.plaintext.Add(1)
	c.answerPlaintext(b)
}

// answerPlaintext reads the plain request (if it is HTTP) and answers 400
// with the URL the client should have used.
func (c *sniffConn) answerPlaintext(first []byte) {
	_, port, _ := net.SplitHostPort(c.LocalAddr().String())
	host, path := "localhost", "/"
	br := bufio.NewReader(io.LimitReader(io.MultiReader(bytes.NewReader(first), c.Conn), plaintextReadLimit))
	if req, err := http.ReadRequest(br); err == nil {
		if h := req.Host; h != "" {
			if hh, _, err := net.SplitHostPort(h); err == nil {
				h = hh
			}
			host = h
		}
		path = req.URL.Path
	}
	hostport := net.JoinHostPort(strings.Trim(host, "[]"), port)
	body := plaintextAnswer(hostport, port, path)
	c.s.log.Warn("plain HTTP request on the TLS port", "remote", c.RemoteAddr().String(), "path", path, "use", "https://"+hostport+path)
	_ = c.SetWriteDeadline(time.Now().Add(c.s.cfg.WriteTimeout))
	_, _ = fmt.Fprintf(c.Conn, "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"+
		"Content-Length: %d\r\nConnection: close\r\n\r\n%s", len(body), body)
}

// plaintextAnswer is the text a plain-HTTP client gets on the TLS port.
func plaintextAnswer(hostport, port, path string) string {
	return "This port (" + port + ") speaks TLS only.\n" +
		"Use https://" + hostport + path + " and wss:// for WebSockets, not http:// or ws://.\n" +
		"PeerJS: pass secure: true and port: " + port + " to new Peer(...); without secure it follows the page, and an http:// page makes it use ws://.\n"
}
