package ws

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"
)

// Buffer sizes under the WebSocket library. A client sends small messages
// (inputs are tens of bytes, nothing may exceed protocol.MaxClientFrame), so
// a small read buffer costs one more read only for a rare large message. The
// write buffer only has to hold a frame header: payloads pass through it
// into the batch buffer below.
const (
	connReadBuffer  = 512
	connWriteBuffer = 64
)

// leanHijacker hands the WebSocket library a connection that batches writes
// and small bufio buffers of our own, in place of the 4 KiB reader and
// writer net/http gives a hijacker: a player's connection lives for minutes
// and its idle buffers are much of its memory.
type leanHijacker struct {
	http.ResponseWriter
	batches *batchPool
	conn    *batchConn // set by Hijack
}

// Hijack takes the connection from net/http. Bytes net/http has already
// read past the request (a client that sent its first frame right behind
// the upgrade) are moved into the new reader's buffer, where the WebSocket
// library looks for them.
func (h *leanHijacker) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := h.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, fmt.Errorf("server: %T cannot hijack", h.ResponseWriter)
	}
	nc, brw, err := hj.Hijack()
	if err != nil {
		return nil, nil, err
	}
	h.conn = newBatchConn(nc, h.batches)
	var src io.Reader = h.conn
	size := connReadBuffer
	n := brw.Reader.Buffered()
	if n > 0 {
		early, _ := brw.Reader.Peek(n)
		src = io.MultiReader(bytes.NewReader(bytes.Clone(early)), h.conn)
		size = max(size, n)
	}
	br := bufio.NewReaderSize(src, size)
	if n > 0 {
		// The first reads come from the copy only: this fills the buffer
		// with exactly those bytes and never touches the network.
		if _, err := br.Peek(n); err != nil {
			nc.Close()
			return nil, nil, fmt.Errorf("server: keep early bytes: %w", err)
		}
	}
	return h.conn, bufio.NewReadWriter(br, bufio.NewWriterSize(h.conn, connWriteBuffer)), nil
}

// Unwrap lets http.ResponseController reach the original writer.
func (h *leanHijacker) Unwrap() http.ResponseWriter { return h.ResponseWriter }

// batchConn is a player's TCP connection under the WebSocket library. A
// sender opens a batch, writes every message it has for the client through
// the library (whose frames land here as appends), then flushes the batch
// with one write: one system call and one TCP segment per snapshot,
// however many events came with it. Outside a batch, writes (control
// frames from other goroutines) go straight through, after any batch being
// flushed, so frames never reorder or interleave. The batch buffer comes
// from a pool, so an idle connection holds none.
type batchConn struct {
	net.Conn
	raw  *rawWriter // for writes that must not wait; nil: every write may wait
	pool *batchPool

	mu       sync.Mutex
	batching bool
	buf      *[]byte
	sent     int // bytes of buf already written, while a flush is unfinished
}

func newBatchConn(nc net.Conn, pool *batchPool) *batchConn {
	c := &batchConn{Conn: nc, pool: pool}
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

// Write appends to the open batch, or writes through.
func (c *batchConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.batching {
		*c.buf = append(*c.buf, p...)
		return len(p), nil
	}
	return c.Conn.Write(p)
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
			c.Conn.SetWriteDeadline(deadline)
			defer c.Conn.SetWriteDeadline(time.Time{})
		}
		n, err = c.Conn.Write(rest)
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
