package loadgen

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// closeWait bounds the wait for the server's close frame.
const closeWait = 5 * time.Second

// dialAll opens a peer for every id, with at most conc dials in flight, and
// returns them in order (ids[i] is Peer.Index i); a failed dial leaves nil
// and an entry in errs.
func dialAll(ctx context.Context, t Target, ids []string, conc int, o DialOptions, errs *errorList) []*Peer {
	dialers := make([]*websocket.Dialer, max(len(t.Addrs), 1))
	for i := range dialers {
		dialers[i] = t.forPeer(i).dialer()
	}
	peers := make([]*Peer, len(ids))
	work := make(chan int)
	var wg sync.WaitGroup
	for range max(conc, 1) {
		wg.Go(func() {
			for i := range work {
				p, err := Dial(ctx, dialers[i%len(dialers)], t.forPeer(i), ids[i], i, o)
				if err != nil {
					errs.add(err)
					continue
				}
				peers[i] = p
			}
		})
	}
	for i := range ids {
		if ctx.Err() != nil {
			break
		}
		work <- i
	}
	close(work)
	wg.Wait()
	return peers
}

// closeAll closes every non-nil peer, conc at a time.
func closeAll(peers []*Peer, graceful bool, conc int) {
	work := make(chan *Peer)
	var wg sync.WaitGroup
	for range max(conc, 1) {
		wg.Go(func() {
			for p := range work {
				p.Close(graceful, closeWait)
			}
		})
	}
	for _, p := range peers {
		if p != nil {
			work <- p
		}
	}
	close(work)
	wg.Wait()
}

// peerIDs names n peers; with fetch they come from the server's /id route,
// as the client gets them when it is given no id.
func peerIDs(ctx context.Context, t Target, prefix string, n int, fetch bool) ([]string, error) {
	ids := make([]string, n)
	if !fetch {
		for i := range ids {
			ids[i] = fmt.Sprintf("%s-%d", prefix, i)
		}
		return ids, nil
	}
	c := t.HTTPClient()
	defer c.CloseIdleConnections()
	for i := range ids {
		id, err := t.FetchID(ctx, c)
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	return ids, nil
}

// openAll dials every id with the same callbacks and fails unless all
// opened; the peers it returns (all of them, or those that opened) are the
// caller's to close.
func openAll(ctx context.Context, t Target, ids []string, conc int, o DialOptions, errs *errorList) ([]*Peer, error) {
	peers := dialAll(ctx, t, ids, conc, o, errs)
	if open := countOpen(peers); open != len(ids) {
		_, list := errs.snapshot()
		return peers, fmt.Errorf("only %d of %d peers opened: %v", open, len(ids), list)
	}
	return peers, nil
}

func countOpen(peers []*Peer) int {
	n := 0
	for _, p := range peers {
		if p != nil {
			n++
		}
	}
	return n
}

// pairStop marks a negotiating pair finished, once, in the WaitGroup of
// active pairs. Its owner's lock is held.
type pairStop struct{ stopped bool }

func (s *pairStop) stop(active *sync.WaitGroup) {
	if !s.stopped {
		s.stopped = true
		active.Done()
	}
}

// sendDescription writes an OFFER or ANSWER and then the candidates that
// trickle after it, numbering each message with seq().
func sendDescription(from *Peer, dst, typ string, b Bodies, candidates int, seq func() int64) error {
	body := b.Offer
	if typ == TypeAnswer {
		body = b.Answer
	}
	if err := from.Send(typ, dst, seq(), body); err != nil {
		return err
	}
	for range candidates {
		if err := from.Send(TypeCandidate, dst, seq(), b.Candidate); err != nil {
			return err
		}
	}
	return nil
}
