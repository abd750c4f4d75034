package ws

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"

	"github.com/skirmishgg/skirmish/server/ws/wsframe"
)

// connReadBuffer is the size of a connection's read buffer while its own
// goroutine reads it. A client sends small messages (inputs are tens of
// bytes, nothing may exceed protocol.MaxClientFrame), so a small buffer
// costs one more read only for a rare large message (the parser keeps the
// cut frame).
const connReadBuffer = 512

// leanHijacker hands the WebSocket library, which does the upgrade (origin
// checks, 426 and 400 answers, the 101), a connection it cannot use, and
// keeps the real one: after the upgrade the adapter reads and writes the
// socket itself (wsframe). The library's Conn is dropped at once; its
// finalizer closes what it was given, so it is given libConn, whose Close
// does nothing: the socket's one owner is the batchConn.
type leanHijacker struct {
	http.ResponseWriter
	batches *batchPool
	conn    *batchConn // set by Hijack
	// early holds the bytes net/http read past the request (a client
	// that sent its first frame right behind the upgrade): the first
	// bytes the session's parser is fed.
	early []byte
}

// Hijack takes the connection from net/http.
func (h *leanHijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := h.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, fmt.Errorf("server: %T cannot hijack", h.ResponseWriter)
	}
	nc, brw, err := hj.Hijack()
	if err != nil {
		return nil, nil, err
	}
	if n := brw.Reader.Buffered(); n > 0 {
		b, _ := brw.Reader.Peek(n)
		h.early = bytes.Clone(b)
	}
	h.conn = newBatchConn(nc, h.batches)
	lib := libConn{nc}
	// The smallest buffers bufio allows: the library never reads or
	// writes through them after the upgrade.
	return lib, bufio.NewReadWriter(bufio.NewReaderSize(lib, 16), bufio.NewWriterSize(lib, 16)), nil
}

// Unwrap lets http.ResponseController reach the original writer.
func (h *leanHijacker) Unwrap() http.ResponseWriter { return h.ResponseWriter }

// libConn is the connection the WebSocket library holds after the
// upgrade: addresses only. It neither reads, writes nor closes the socket.
type libConn struct{ net.Conn }

var errNotLibrarys = errors.New("server: the connection is the adapter's, not the WebSocket library's")

func (libConn) Read([]byte) (int, error)  { return 0, errNotLibrarys }
func (libConn) Write([]byte) (int, error) { return 0, errNotLibrarys }
func (libConn) Close() error              { return nil }

// batchConn is a player's TCP connection, written in WebSocket frames
// (wsframe). A sender opens a batch, appends every message it has for the
// client as a frame, then flushes the batch with one write: one system
// call and one TCP segment per snapshot, however many events came with
// it. Outside a batch, writes (close frames from other goroutines) go
// straight through, after any batch being flushed, so frames never
// reorder or interleave. The batch buffer comes from a pool, so an idle
// connection holds none.
type batchConn struct {
	nc   net.Conn
	raw  *rawWriter // for writes that must not wait; nil: every write may wait
	pool *batchPool

	mu       sync.Mutex
	batching bool
	buf      *[]byte
	sent     int // bytes of buf already written, while a flush is unfinished
}

func newBatchConn(nc net.Conn, pool *batchPool) *batchConn {
	c := &batchConn{nc: nc, pool: pool}
	if sc, ok := nc.(syscall.Conn); ok {
		if raw, err := sc.SyscallConn(); err == nil {
			c.raw = newRawWriter(raw)
		}
	}
	return c
}

// batchPool holds the batch buffers of a server's connections. Most batches
// are one snapshot and a few events; a buffer that grew past maxPooledBatch
// (a full snapshot of a big match) is left to the GC.
type batchPool struct{ p sync.Pool }

const maxPooledBatch = 64 << 10

func (p *batchPool) get() *[]byte {
	if b, ok := p.p.Get().(*[]byte); ok {
		return b
	}
	b := make([]byte, 0, 2048)
	return &b
}

func (p *batchPool) put(b *[]byte) {
	if cap(*b) <= maxPooledBatch {
		*b = (*b)[:0]
		p.p.Put(b)
	}
}

// Write appends encoded frames to the open batch, or writes them through.
func (c *batchConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.batching {
		*c.buf = append(*c.buf, p...)
		return len(p), nil
	}
	return c.nc.Write(p)
}

// writeMessage writes one binary message as a frame: into the open batch,
// or through when none is open (a test's session without a sender).
func (c *batchConn) writeMessage(msg []byte) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.batching {
		*c.buf = wsframe.AppendBinary(*c.buf, msg)
		return nil
	}
	_, err := c.nc.Write(wsframe.AppendBinary(nil, msg))
	return err
}

// writeFrames writes encoded frames outside the senders (a close frame
// and its Bye): joined to an open batch, or written through, waiting
// until deadline at most.
func (c *batchConn) writeFrames(frames []byte, deadline time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.batching {
		*c.buf = append(*c.buf, frames...)
		return nil
	}
	c.nc.SetWriteDeadline(deadline)
	defer c.nc.SetWriteDeadline(time.Time{})
	_, err := c.nc.Write(frames)
	return err
}

// tryBegin opens a batch unless another goroutine is writing to the
// connection right now (a close frame to a client that stopped reading):
// a sender never waits for that.
func (c *batchConn) tryBegin() bool {
	if !c.mu.TryLock() {
		return false
	}
	c.open()
	c.mu.Unlock()
	return true
}

// begin opens a batch, waiting for a write in progress.
func (c *batchConn) begin() {
	c.mu.Lock()
	c.open()
	c.mu.Unlock()
}

func (c *batchConn) open() {
	c.batching = true
	c.buf = c.pool.get()
	c.sent = 0
}

// tryFlush writes the open batch as far as the kernel takes it without
// waiting. done means the batch is out and closed; otherwise the rest
// stays, writes keep joining it, and flush must finish it.
func (c *batchConn) tryFlush() (n int, done bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.batching {
		return 0, true, nil
	}
	if rest := (*c.buf)[c.sent:]; len(rest) > 0 && c.raw != nil {
		n, err = c.raw.writeNow(rest)
		c.sent += n
	}
	if err == nil && c.sent < len(*c.buf) {
		return n, false, nil
	}
	c.close()
	return n, true, err
}

// flush writes the rest of the open batch, waiting until deadline at most
// (zero: no limit): a client that stopped reading fails it with
// os.ErrDeadlineExceeded.
func (c *batchConn) flush(deadline time.Time) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.batching {
		return 0, nil
	}
	var n int
	var err error
	if rest := (*c.buf)[c.sent:]; len(rest) > 0 {
		if !deadline.IsZero() {
			c.nc.SetWriteDeadline(deadline)
			defer c.nc.SetWriteDeadline(time.Time{})
		}
		n, err = c.nc.Write(rest)
	}
	c.close()
	return n, err
}

func (c *batchConn) close() {
	c.batching = false
	c.pool.put(c.buf)
	c.buf = nil
	c.sent = 0
}
