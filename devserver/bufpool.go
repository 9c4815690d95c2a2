package devserver

import (
	"io"
	"sync"
)

// Frame buffers are recycled: every relayed message is read into one and
// encoded into another, and at tens of thousands of messages a second
// fresh ones (io.ReadAll alone makes six to read 4 KiB) kept the garbage
// collector busy. Three size classes cover a CANDIDATE, an OFFER/ANSWER with
// its SDP, and a larger SDP (simulcast, many candidates); anything larger
// is allocated to size and left to the collector, so a frame waiting in a
// queue never holds more than twice its size. Buffers are arrays behind
// slices, so a pooled buffer is a pointer and Put does not allocate.
const (
	smallBuf  = 1 << 10
	mediumBuf = 8 << 10
	largeBuf  = 16 << 10
)

var smallPool, mediumPool, largePool sync.Pool

// getBuf returns an empty buffer with room for at least n bytes.
func getBuf(n int) []byte {
	switch {
	case n <= smallBuf:
		if p, ok := smallPool.Get().(*[smallBuf]byte); ok {
			return p[:0]
		}
		return new([smallBuf]byte)[:0]
	case n <= mediumBuf:
		if p, ok := mediumPool.Get().(*[mediumBuf]byte); ok {
			return p[:0]
		}
		return new([mediumBuf]byte)[:0]
	case n <= largeBuf:
		if p, ok := largePool.Get().(*[largeBuf]byte); ok {
			return p[:0]
		}
		return new([largeBuf]byte)[:0]
	}
	return make([]byte, 0, n)
}

// putBuf recycles b, which nothing may use afterwards. A buffer that is not
// one of the classes (a larger frame, a constant message) is left alone.
func putBuf(b []byte) {
	switch cap(b) {
	case smallBuf:
		smallPool.Put((*[smallBuf]byte)(b[:smallBuf]))
	case mediumBuf:
		mediumPool.Put((*[mediumBuf]byte)(b[:mediumBuf]))
	case largeBuf:
		largePool.Put((*[largeBuf]byte)(b[:largeBuf]))
	}
}

// readFrame reads r to its end into a pooled buffer, as io.ReadAll does
// into a fresh one. The caller puts the buffer back when done with it.
func readFrame(r io.Reader) ([]byte, error) {
	b := getBuf(mediumBuf)
	for {
		if len(b) == cap(b) {
			nb := append(getBuf(2*cap(b)), b...)
			putBuf(b)
			b = nb
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			putBuf(b)
			return nil, err
		}
	}
}
