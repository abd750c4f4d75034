package ws

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
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
//
// Until the connection is handed to an event loop (linux), the socket is
// nc, on Go's poller, and a batch the kernel does not take at once is
// finished by a goroutine that may wait (flush). Once handed over, the
// socket is fd, a duplicate outside Go's poller that only the loop
// closes; every write is a single non-blocking attempt, and what the
// kernel does not take waits parked for the loop, which finishes it on
// EPOLLOUT or drops the client at the batch's deadline.
type batchConn struct {
	nc   net.Conn   // immutable; closed at the hand-over
	raw  *rawWriter // for writes that must not wait on nc; nil: every write may wait
	pool *batchPool
	// lc is the event loop's side of the connection, set once at the
	// hand-over (under mu) and never changed.
	lc atomic.Pointer[loopConn]

	// Guarded by mu: every writer (senders, close handshakes, the loop on
	// EPOLLOUT), end's shutdown and the loop's close of fd. Held across a
	// write that may wait only before the hand-over.
	mu       sync.Mutex
	state    sockState
	fd       int // the loop's socket, while state is onLoop
	ended    bool
	batching bool
	buf      *[]byte
	sent     int // bytes of buf already written, while a flush is unfinished
	// A parked batch: the deadline by which the client must take it, and
	// whose it is: a sender's run (which the loop ends), with a close order
	// found in it, or a close frame written outside the senders.
	outDeadline time.Time
	outRun      bool
	outClosing  bool
}

// sockState is which socket a batchConn writes.
type sockState uint8

const (
	onConn     sockState = iota // nc, before the hand-over (or with no loop)
	onLoop                      // fd, the loop's
	loopClosed                  // none: the loop closed fd
)

func newBatchConn(nc net.Conn, pool *batchPool) *batchConn {
	c := &batchConn{nc: nc, pool: pool}
	if sc, ok := nc.(syscall.Conn); ok {
		if raw, err := sc.SyscallConn(); err == nil {
			c.raw = newRawWriter(raw)
		}
	}
	return c
}

// shutdown ends the connection from any goroutine without waiting: before
// the hand-over it closes nc (which also fails a write waiting under mu);
// after it, it shuts the socket down, which the loop sees as a hang-up
// and answers by closing fd. The loop alone closes fd: its number could
// otherwise be reused by a new connection while an event for it waits.
func (c *batchConn) shutdown() {
	c.nc.Close()
	c.mu.Lock()
	c.ended = true
	if c.state == onLoop {
		shutdownFD(c.fd)
	}
	c.mu.Unlock()
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
	if c.state != onConn {
		return errNoBatch
	}
	_, err := c.nc.Write(wsframe.AppendBinary(nil, msg))
	return err
}

var errNoBatch = errors.New("server: a message outside a batch on a looped connection")

// writeFrames writes encoded frames outside the senders (a close frame
// and its Bye): joined to an open batch, or written through, waiting
// until deadline at most; on a looped connection, what the kernel does
// not take at once is parked for the loop until deadline.
func (c *batchConn) writeFrames(frames []byte, deadline time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.batching {
		*c.buf = append(*c.buf, frames...)
		return nil
	}
	switch c.state {
	case onConn:
	case loopClosed:
		return net.ErrClosed
	default:
		c.open()
		*c.buf = append(*c.buf, frames...)
		_, st, err := c.writeLooped(deadline, false, false)
		if st == flushDone {
			return err
		}
		return nil
	}
	c.nc.SetWriteDeadline(deadline)
	defer c.nc.SetWriteDeadline(time.Time{})
	_, err := c.nc.Write(frames)
	return err
}

// flushState is how far a flush got.
type flushState uint8

const (
	flushDone    flushState = iota // out (or failed), and the batch closed
	flushPending                   // the rest waits for flush, on a goroutine that may wait
	flushParked                    // the rest is parked for the event loop, which ends the run
)

// writeLooped makes the one write attempt of a looped connection's open
// batch and parks what the kernel does not take. Under mu.
func (c *batchConn) writeLooped(deadline time.Time, run, closing bool) (n int, st flushState, err error) {
	lc := c.lc.Load()
	lc.outPending.Store(true) // before the attempt: see loopConn.outPending
	if rest := (*c.buf)[c.sent:]; len(rest) > 0 {
		n, err = writeFD(c.fd, rest)
		c.sent += n
	}
	if err == nil && c.sent < len(*c.buf) {
		c.outDeadline, c.outRun, c.outClosing = deadline, run, closing
		lc.park()
		return n, flushParked, nil
	}
	lc.outPending.Store(false)
	c.close()
	return n, flushDone, err
}

// tryBegin opens a batch unless another goroutine is writing to the
// connection right now (a close frame to a client that stopped reading):
// a sender never waits for that.
func (c *batchConn) tryBegin() bool {
	ok, _ := c.tryOpen()
	return ok
}

// tryOpen opens a batch unless another goroutine holds the connection
// right now (busy), or a close frame written outside the senders is still
// parked (neither: nothing more is to be written).
func (c *batchConn) tryOpen() (opened, busy bool) {
	if !c.mu.TryLock() {
		return false, true
	}
	defer c.mu.Unlock()
	if c.batching {
		return false, false
	}
	c.open()
	return true, false
}

// begin opens a batch, waiting for a write in progress; false when a
// close frame is still parked (see tryOpen).
func (c *batchConn) begin() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.batching {
		return false
	}
	c.open()
	return true
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
	n, st, err := c.flushNow(time.Time{}, false)
	return n, st == flushDone, err
}

// flushNow is a sender's flush of its run's batch: one attempt without
// waiting. Looped, what the kernel does not take is parked for the loop
// with the deadline and the run's close order (closing); otherwise it
// waits for flush.
func (c *batchConn) flushNow(deadline time.Time, closing bool) (n int, st flushState, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.batching {
		return 0, flushDone, nil
	}
	switch c.state {
	case onConn:
	case loopClosed:
		c.close()
		return 0, flushDone, net.ErrClosed
	default:
		return c.writeLooped(deadline, true, closing)
	}
	if rest := (*c.buf)[c.sent:]; len(rest) > 0 && c.raw != nil {
		n, err = c.raw.writeNow(rest)
		c.sent += n
	}
	if err == nil && c.sent < len(*c.buf) {
		return n, flushPending, nil
	}
	c.close()
	return n, flushDone, err
}

// flush writes the rest of the open batch, waiting until deadline at most
// (zero: no limit): a client that stopped reading fails it with
// os.ErrDeadlineExceeded.
func (c *batchConn) flush(deadline time.Time) (int, error) {
	n, _, err := c.finish(deadline, false)
	return n, err
}

// finish is flush for a sender's run (closing: it found a close order).
// A connection handed to the loop meanwhile has the rest parked instead
// (parked: the loop ends the run).
func (c *batchConn) finish(deadline time.Time, closing bool) (n int, parked bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.batching {
		return 0, false, nil
	}
	switch c.state {
	case onConn:
	case loopClosed:
		c.close()
		return 0, false, net.ErrClosed
	default:
		n, st, err := c.writeLooped(deadline, true, closing)
		return n, st == flushParked, err
	}
	if rest := (*c.buf)[c.sent:]; len(rest) > 0 {
		if !deadline.IsZero() {
			c.nc.SetWriteDeadline(deadline)
			defer c.nc.SetWriteDeadline(time.Time{})
		}
		n, err = c.nc.Write(rest)
	}
	c.close()
	return n, false, err
}

func (c *batchConn) close() {
	c.batching = false
	c.pool.put(c.buf)
	c.buf = nil
	c.sent = 0
}
