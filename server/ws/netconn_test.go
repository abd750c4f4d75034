package ws

import (
	"bytes"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestBatchConn checks that a batch goes out in one write, in order, after
// nothing, and that a write from another goroutine during a batch waits for
// the batch rather than overtaking it or landing inside it.
func TestBatchConn(t *testing.T) {
	rec := &writeRecorder{}
	c := &batchConn{nc: rec, pool: &batchPool{}}

	c.Write([]byte("direct"))
	c.begin()
	c.Write([]byte("a"))
	c.Write([]byte("bc"))
	if got := rec.writes(); len(got) != 1 {
		t.Fatalf("writes during a batch reached the network: %q", got)
	}
	// A control frame from another goroutine joins the batch's end.
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c.Write([]byte("close"))
	}()
	wg.Wait()
	n, err := c.flush(time.Time{})
	if err != nil || n != len("abcclose") {
		t.Fatalf("flush: %d, %v", n, err)
	}
	c.Write([]byte("after"))
	if n, err := c.flush(time.Time{}); n != 0 || err != nil {
		t.Fatalf("flush without a batch: %d, %v", n, err)
	}
	want := []string{"direct", "abcclose", "after"}
	if got := rec.writes(); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("writes %q, want %q", got, want)
	}
}

// TestBatchConnPoolsBuffers checks that a connection holds no buffer
// between batches and that a huge batch's buffer is not kept.
func TestBatchConnPoolsBuffers(t *testing.T) {
	c := &batchConn{nc: discardConn{}, pool: &batchPool{}}
	c.begin()
	c.Write(bytes.Repeat([]byte{1}, maxPooledBatch+1))
	c.flush(time.Time{})
	if c.buf != nil {
		t.Fatal("the connection kept its batch buffer after the flush")
	}
	if raceEnabled {
		return // the race detector makes sync.Pool drop buffers on purpose
	}
	msg := make([]byte, 300)
	if allocs := testing.AllocsPerRun(100, func() {
		c.begin()
		c.Write(msg)
		c.flush(time.Time{})
	}); allocs > 0 {
		t.Errorf("a batch allocates %.1f times in steady state, want 0", allocs)
	}
}

// writeRecorder is a net.Conn that records its writes.
type writeRecorder struct {
	net.Conn
	mu  sync.Mutex
	got []string
}

func (w *writeRecorder) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.got = append(w.got, string(p))
	return len(p), nil
}

func (w *writeRecorder) writes() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.got...)
}

// discardConn is a net.Conn whose writes succeed and go nowhere.
type discardConn struct{ net.Conn }

func (discardConn) Write(p []byte) (int, error) { return len(p), nil }

// TestBatchConnWritesWithoutWaitingOrAllocating flushes batches over a
// real TCP connection: the write that must not wait goes through the
// socket directly and allocates nothing in steady state.
func TestBatchConnWritesWithoutWaitingOrAllocating(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			io.Copy(io.Discard, c)
			c.Close()
		}
	}()
	nc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	c := newBatchConn(nc, &batchPool{})
	if c.raw == nil {
		t.Skip("no raw socket writes on this platform")
	}
	msg := make([]byte, 300)
	flush := func() {
		c.begin()
		c.Write(msg)
		n, done, err := c.tryFlush()
		if err != nil || !done || n != len(msg) {
			t.Fatalf("tryFlush: %d, %v, %v", n, done, err)
		}
	}
	flush()
	if raceEnabled {
		return // sync.Pool drops buffers on purpose under the race detector
	}
	if allocs := testing.AllocsPerRun(200, flush); allocs > 0 {
		t.Errorf("a batch written without waiting allocates %.1f times, want 0", allocs)
	}
}
