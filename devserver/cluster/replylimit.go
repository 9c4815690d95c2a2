package cluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
)

// A Redis server is untrusted input (the design's trust boundaries), and
// go-redis trusts every length a reply announces: for a bulk string of n
// bytes it allocates n+2 at once, for an array of n elements a slice of n,
// and it reads a line until its newline however long it gets. A reply
// announcing a terabyte is a valid length, so nothing panics to recover
// (crash.go): the runtime runs out of memory, which ends the
// process. replyLimitConn checks each announced length as the bytes arrive,
// before go-redis sees them, and ends the connection on one past these
// bounds; the command then fails as on any lost connection, and the keeper
// reconnects.
const (
	// maxReplyBulk bounds one bulk string. The largest rtdev stores is
	// an envelope holding one PeerJS message (MaxMessageBytes, at most
	// a few MiB); 64 MiB leaves room for any such setting.
	maxReplyBulk = 64 << 20
	// maxReplyElems bounds one array, map, set or push: SCAN answers in
	// pages of COUNT (1000 here), the scripts with a few values.
	maxReplyElems = 1 << 20
	// maxReplyLine bounds a header or a simple string, error or number;
	// Redis's longest are error messages and INFO's lines.
	maxReplyLine = 64 << 10
)

// errReplyTooLarge is in the error a connection returns for a reply past
// the bounds.
var errReplyTooLarge = errors.New("a reply from Redis is larger than rtdev accepts")

// replyLimitDialer wraps dial so every connection it makes is bounded by
// a replyScanner.
func replyLimitDialer(dial func(ctx context.Context, network, addr string) (net.Conn, error)) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &replyLimitConn{Conn: c}, nil
	}
}

// replyLimitConn is a connection to Redis whose replies are checked by a
// replyScanner on their way to the client.
type replyLimitConn struct {
	net.Conn
	scan replyScanner
	err  error // sticky: once past the bounds, the connection is done
}

func (c *replyLimitConn) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.Conn.Read(p)
	if serr := c.scan.feed(p[:n]); serr != nil {
		// None of these bytes reaches the client, and the connection
		// closes, so its pool drops it rather than reuse a stream cut
		// mid-reply.
		c.err = serr
		_ = c.Conn.Close()
		return 0, serr
	}
	return n, err
}

// replyScanner follows the RESP2/RESP3 framing of a reply stream: it reads
// each header line and skips the payload of each bulk type, so it never
// mistakes payload bytes for a header. It checks sizes only; go-redis
// parses the values.
type replyScanner struct {
	line []byte // the header line so far
	skip int64  // payload bytes (with their CRLF) still to pass
}

// feed scans b, the next bytes from the server, and returns an error for
// the first length past the bounds.
func (s *replyScanner) feed(b []byte) error {
	for len(b) > 0 {
		if s.skip > 0 {
			n := min(s.skip, int64(len(b)))
			s.skip -= n
			b = b[n:]
			continue
		}
		i := bytes.IndexByte(b, '\n')
		if i < 0 {
			i = len(b)
		}
		if len(s.line)+i > maxReplyLine {
			return fmt.Errorf("%w: a line longer than %d bytes", errReplyTooLarge, maxReplyLine)
		}
		if i == len(b) {
			s.line = append(s.line, b...)
			return nil
		}
		s.line = append(s.line, b[:i+1]...)
		b = b[i+1:]
		err := s.header(s.line)
		s.line = s.line[:0]
		if err != nil {
			return err
		}
	}
	return nil
}

// header checks one complete line (with its newline) and sets what
// follows it to be skipped.
func (s *replyScanner) header(line []byte) error {
	if len(line) < 3 {
		return nil // malformed: go-redis reports it
	}
	kind := line[0]
	switch kind {
	case '$', '!', '=', '*', '%', '~', '>', '|':
	default:
		return nil // a simple string, error, number, double, big number, boolean or null
	}
	text := string(line[1 : len(line)-2])
	if text == "?" {
		return fmt.Errorf("%w: a streamed (unknown length) reply", errReplyTooLarge)
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil || n < 0 {
		return nil // malformed or null (-1): go-redis reports or reads it
	}
	switch kind {
	case '$', '!', '=':
		if n > maxReplyBulk {
			return fmt.Errorf("%w: a string of %d bytes (at most %d)", errReplyTooLarge, n, maxReplyBulk)
		}
		s.skip = n + 2
	default:
		if n > maxReplyElems {
			return fmt.Errorf("%w: %d elements (at most %d)", errReplyTooLarge, n, maxReplyElems)
		}
	}
	return nil
}
