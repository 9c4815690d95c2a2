package tlsserve

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"sync"
	"time"
)

// FollowEvery is how often a Follow listener looks for addresses that
// came or went: a container network made by `docker compose up` is served
// within this time.
const FollowEvery = 2 * time.Second

// Follow is one listener over the networks that list returns as it
// changes: it listens on port at the address of each prefix list returns,
// checks again every FollowEvery, opens the new ones and closes those
// gone. rtdev serve --containers serves the container bridges (docker0,
// compose's br-*, podman's) this way, as Docker starts and networks come
// and go, without ever listening on an interface list did not return.
//
// A connection is accepted only from inside the prefix it arrived on:
// Linux answers for a local address on any interface, so a device on the
// Wi-Fi with a route to the bridge's address through this machine would
// otherwise reach what only containers may.
type Follow struct {
	port int
	list func() []netip.Prefix
	log  *slog.Logger

	conns  chan net.Conn
	done   chan struct{}
	cancel context.CancelFunc
	mu     sync.Mutex
	open   map[netip.Addr]net.Listener
	nets   map[netip.Addr]netip.Prefix
	closed bool
}

// NewFollow starts following. log gets one line per address served or
// dropped; nil discards them.
func NewFollow(port int, list func() []netip.Prefix, log *slog.Logger) *Follow {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(context.Background())
	f := &Follow{port: port, list: list, log: log, conns: make(chan net.Conn), done: make(chan struct{}),
		cancel: cancel, open: map[netip.Addr]net.Listener{}, nets: map[netip.Addr]netip.Prefix{}}
	f.sync()
	go f.run(ctx)
	return f
}

// Addrs are the addresses served now, sorted.
func (f *Follow) Addrs() []netip.Addr {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]netip.Addr, 0, len(f.open))
	for a := range f.open {
		out = append(out, a)
	}
	slices.SortFunc(out, netip.Addr.Compare)
	return out
}

func (f *Follow) run(ctx context.Context) {
	t := time.NewTicker(FollowEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			f.sync()
		}
	}
}

// sync opens a listener for each new address and closes those gone. An
// address that cannot be listened on (not yet up) is tried again next time.
func (f *Follow) sync() {
	want := map[netip.Addr]netip.Prefix{}
	for _, p := range f.list() {
		a := p.Addr().Unmap()
		want[a] = netip.PrefixFrom(a, p.Bits()).Masked()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return
	}
	for a, ln := range f.open {
		if _, ok := want[a]; !ok {
			_ = ln.Close()
			delete(f.open, a)
			delete(f.nets, a)
			f.log.Info("stopped listening: the address went away", "addr", net.JoinHostPort(a.String(), strconv.Itoa(f.port)))
		}
	}
	for a, p := range want {
		f.nets[a] = p
		if _, ok := f.open[a]; ok {
			continue
		}
		addr := net.JoinHostPort(a.String(), strconv.Itoa(f.port))
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			f.log.Warn("cannot listen on a container network", "addr", addr, "err", err)
			continue
		}
		f.open[a] = ln
		f.log.Info("listening for containers", "addr", addr)
		go f.accept(ln, a)
	}
}

func (f *Follow) accept(ln net.Listener, local netip.Addr) {
	for {
		c, err := ln.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return // closed: the address went away, or Close
		}
		if !f.fromInside(local, c.RemoteAddr()) {
			f.log.Warn("refused a connection from outside the container network", "addr", c.RemoteAddr().String(), "network", local.String())
			_ = c.Close()
			continue
		}
		select {
		case f.conns <- c:
		case <-f.done:
			_ = c.Close()
			return
		}
	}
}

// fromInside reports whether remote lies in the network of local.
func (f *Follow) fromInside(local netip.Addr, remote net.Addr) bool {
	ap, err := netip.ParseAddrPort(remote.String())
	if err != nil {
		return false
	}
	f.mu.Lock()
	p, ok := f.nets[local]
	f.mu.Unlock()
	return ok && p.Contains(ap.Addr().Unmap())
}

// Accept waits for a connection on any followed address.
func (f *Follow) Accept() (net.Conn, error) {
	select {
	case c := <-f.conns:
		return c, nil
	case <-f.done:
		return nil, net.ErrClosed
	}
}

// Close stops following and closes every listener.
func (f *Follow) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return nil
	}
	f.closed = true
	f.cancel()
	close(f.done)
	for a, ln := range f.open {
		_ = ln.Close()
		delete(f.open, a)
	}
	return nil
}

// Addr names the listener in logs: the port on the followed addresses.
func (f *Follow) Addr() net.Addr { return followAddr(f.port) }

type followAddr int

func (followAddr) Network() string  { return "tcp" }
func (a followAddr) String() string { return "container networks:" + strconv.Itoa(int(a)) }
