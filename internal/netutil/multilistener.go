// Package netutil holds small network plumbing shared by commands.
package netutil

import (
	"errors"
	"net"
	"sync"
)

// MultiListener accepts from several listeners as one, so a server can
// listen on 127.0.0.1 and ::1 (a browser may resolve localhost to either)
// through one Serve call. Close closes them all.
func MultiListener(lns ...net.Listener) net.Listener {
	if len(lns) == 1 {
		return lns[0]
	}
	m := &multi{lns: lns, conns: make(chan acceptResult), done: make(chan struct{})}
	for _, ln := range lns {
		go m.pump(ln)
	}
	return m
}

type acceptResult struct {
	c   net.Conn
	err error
}

type multi struct {
	lns   []net.Listener
	conns chan acceptResult
	done  chan struct{}
	once  sync.Once
}

func (m *multi) pump(ln net.Listener) {
	for {
		c, err := ln.Accept()
		select {
		case m.conns <- acceptResult{c, err}:
		case <-m.done:
			if c != nil {
				_ = c.Close()
			}
			return
		}
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return
		}
	}
}

func (m *multi) Accept() (net.Conn, error) {
	select {
	case r := <-m.conns:
		return r.c, r.err
	case <-m.done:
		return nil, net.ErrClosed
	}
}

func (m *multi) Close() error {
	var err error
	m.once.Do(func() {
		close(m.done)
		for _, ln := range m.lns {
			err = errors.Join(err, ln.Close())
		}
	})
	return err
}

// Addr is the first listener's address.
func (m *multi) Addr() net.Addr { return m.lns[0].Addr() }
