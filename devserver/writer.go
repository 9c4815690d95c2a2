package devserver

import (
	"time"

	"github.com/gorilla/websocket"
)

// The write side of a connection. Frames wait in the client's queue (a
// slice under qmu, bounded by SendQueueLen) and a write goroutine runs only
// while there is something to write or the connection is ending: with 10k
// idle peers, a buffered channel (6 KiB of slots each at the default bound)
// and a parked goroutine per peer were a third of the server's memory.

// maxIdleQueueCap is the largest queue array an emptied queue keeps; a
// burst's bigger one goes back to the collector.
const maxIdleQueueCap = 16

// enqueue hands msg, charged to the byte budget, to the write goroutine
// without blocking; false means SendQueueLen frames are already waiting. A
// connection that is ending takes msg and drops it, as upstream's send to a
// closing socket does. The realm calls it under its lock: qmu is only ever
// taken last.
func (c *client) enqueue(msg []byte) bool {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	if c.stopping.Load() {
		// discard has run or will, under qmu, after stopping was set.
		c.s.budget.release(msg)
		return true
	}
	waiting := len(c.queue) - c.head
	if waiting >= c.s.cfg.SendQueueLen {
		return false
	}
	if len(c.queue) == cap(c.queue) && c.head > 0 {
		// Reuse the written slots before growing, so a queue that never
		// quite empties stays within about SendQueueLen slots.
		n := copy(c.queue, c.queue[c.head:])
		clear(c.queue[n:])
		c.queue = c.queue[:n]
		c.head = 0
	}
	c.queue = append(c.queue, msg)
	c.startWriterLocked()
	return true
}

// setBacklog queues the frames that go before any other: OPEN, then the
// offline queue. admit calls it before c is visible to senders.
func (c *client) setBacklog(open []byte, msgs [][]byte) {
	c.qmu.Lock()
	c.open, c.backlog = open, msgs
	c.qmu.Unlock()
}

// discard drops the frames still waiting when the connection ends, giving
// their bytes back to the budget. The caller holds qmu.
func (c *client) discard() {
	putBuf(c.open)
	c.open = nil
	for _, m := range c.backlog {
		c.s.budget.release(m)
	}
	c.backlog = nil
	for _, m := range c.queue[c.head:] {
		c.s.budget.release(m)
	}
	c.queue, c.head = nil, 0
}

// kick starts the write goroutine if there is work for it and none runs.
func (c *client) kick() {
	c.qmu.Lock()
	c.startWriterLocked()
	c.qmu.Unlock()
}

func (c *client) startWriterLocked() {
	if c.writing || (c.open == nil && len(c.backlog) == 0 && c.head == len(c.queue) && !c.stopping.Load()) {
		return
	}
	c.writing = true
	go c.writeLoop()
}

// next takes the frame to write next; charged says it is in the byte
// budget. With nothing to write it returns nil; ending reports that the
// connection is to be finished, in which case writing stays set so that
// no other write goroutine starts.
func (c *client) next() (m []byte, charged, ending bool) {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	switch {
	case c.stopping.Load():
		// Check stopping first: once stopped, nothing more is sent.
		c.discard()
		return nil, false, true
	case c.open != nil:
		m, c.open = c.open, nil
		return m, false, false
	case len(c.backlog) > 0:
		m, c.backlog[0] = c.backlog[0], nil
		if c.backlog = c.backlog[1:]; len(c.backlog) == 0 {
			c.backlog = nil
		}
		return m, true, false
	case c.head < len(c.queue):
		m, c.queue[c.head] = c.queue[c.head], nil
		if c.head++; c.head == len(c.queue) {
			c.head = 0
			c.queue = c.queue[:0]
			if cap(c.queue) > maxIdleQueueCap {
				c.queue = nil
			}
		}
		return m, true, false
	}
	// stop sets stopping before it takes qmu to call kick, so either this
	// goroutine saw stopping above or stop sees writing cleared and starts
	// another one: the close is never lost.
	c.writing = false
	return nil, false, false
}

// writeLoop is the only writer of data frames: the backlog, then the
// queue, until both are empty or the connection ends.
func (c *client) writeLoop() {
	for {
		m, charged, ending := c.next()
		if ending {
			c.finish(true)
			close(c.writeDone)
			return
		}
		if m == nil {
			return
		}
		ok := c.write(m)
		// gorilla has copied or sent m: its bytes are no longer queued.
		if charged {
			c.s.budget.release(m)
		} else {
			putBuf(m)
		}
		if !ok {
			// write has stopped c, so nothing is queued after this.
			c.qmu.Lock()
			c.discard()
			c.qmu.Unlock()
			c.finish(false)
			close(c.writeDone)
			return
		}
	}
}

// write sends one text frame; on failure it stops the client, evicting it
// if the peer stopped reading (the write timed out).
func (c *client) write(m []byte) bool {
	_ = c.ws.SetWriteDeadline(time.Now().Add(c.s.cfg.WriteTimeout))
	err := c.ws.WriteMessage(websocket.TextMessage, m)
	if err == nil {
		return true
	}
	if isTimeout(err) && c.s.realm.removeIf(c) {
		c.s.evict(c, "write timed out: the peer is not reading")
	}
	c.stop(closeReq{noFrame: true})
	return false
}

// finish ends the connection as requested: the final message and the close
// frame if the socket can still take them, a bounded wait for the peer's
// close reply, then the TCP close, which also ends readLoop.
func (c *client) finish(canWrite bool) {
	<-c.closing
	req := c.req
	if canWrite && !req.noFrame {
		deadline := time.Now().Add(c.s.cfg.WriteTimeout)
		sent := true
		if req.final != nil {
			_ = c.ws.SetWriteDeadline(deadline)
			sent = c.ws.WriteMessage(websocket.TextMessage, req.final) == nil
		}
		var payload []byte
		if req.code != closeBare {
			payload = websocket.FormatCloseMessage(req.code, req.reason)
		}
		if sent && c.ws.WriteControl(websocket.CloseMessage, payload, deadline) == nil {
			t := time.NewTimer(c.s.cfg.WriteTimeout)
			select {
			case <-c.readDone:
			case <-t.C:
			}
			t.Stop()
		}
	}
	_ = c.ws.Close()
}
