package server

import (
	"context"
	"errors"
	"os"
	"strconv"
	"time"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/protocol"
)

// snapshotState is what a session's sending keeps between snapshots: the
// last snapshot written, retained as the baseline of the next delta (a
// WebSocket is reliable and ordered, so it is exactly what the client holds
// once it reads the next one), and the client's interest filter.
type snapshotState struct {
	base   *view
	filter *interestFilter
}

// runSender writes what a queued session has, on a sender of the pool. It
// never waits on the network: what the kernel does not take at once is
// finished by a goroutine of the session's own, which also ends the run.
func (s *session) runSender(w *senderScratch) {
	if !s.sendState.CompareAndSwap(sendQueued, sendRunning) {
		return // closed while queued
	}
	if s.over() {
		s.doneSending()
		return
	}
	if !s.out.tryBegin() {
		// Another goroutine is writing (a close frame to a client that
		// stopped reading): write this batch once it is done.
		s.async(func() {
			s.out.begin()
			s.finishBatch(s.fillBatch(&senderScratch{}))
		})
		return
	}
	closing := s.fillBatch(w)
	n, done, err := s.out.tryFlush()
	s.countOut(n)
	switch {
	case err != nil:
		s.fail(err)
	case !done:
		if s.out.raw != nil {
			// The client's socket buffer is full: a slow client.
			s.opts.metrics.stalled.Inc()
		}
		s.async(func() { s.finishBatch(closing) })
		return
	case closing:
		s.async(s.carryOutClose)
		return
	}
	s.doneSending()
}

// finishBatch writes the rest of the open batch, waiting at most
// WriteTimeout, then carries out a close order found in it.
func (s *session) finishBatch(closing bool) {
	n, err := s.out.flush(time.Now().Add(s.opts.WriteTimeout))
	s.countOut(n)
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		s.writeTimedOut()
	case err != nil:
		s.fail(err)
	case closing:
		s.carryOutClose()
	}
}

// async runs the rest of a session's run on a goroutine of its own, which
// may wait on the network; the run ends when f returns. Senders only: the
// pool waits for these after its senders.
func (s *session) async(f func()) {
	s.pool.async.Add(1)
	go func() {
		defer s.pool.async.Done()
		f()
		s.doneSending()
	}()
}

// fillBatch writes into the open batch every queued reliable message, then
// the newest snapshot. The snapshot is taken first: every event of its tick
// was queued before it was offered, so none of them can follow it. closing
// reports a close order, with everything before it in the batch. A failed
// write leaves the batch as it is (it may hold another goroutine's close
// frame, which must still go out) and ends the session's writing.
func (s *session) fillBatch(w *senderScratch) (closing bool) {
	v, lastSeq := s.take()
	w.msgs = s.reliable.drain(w.msgs[:0])
	for _, msg := range w.msgs {
		if msg == nil {
			s.closeSent.Store(true)
			closing = true
			break
		}
		if !s.write(msg) {
			break
		}
	}
	clear(w.msgs) // hold no message past the run
	if v != nil {
		if closing || s.over() {
			v.release()
		} else {
			s.writeSnapshot(w, v, lastSeq)
		}
	}
	return closing
}

// writeSnapshot writes v as a delta against the last snapshot written; it
// takes over the caller's reference to v.
func (s *session) writeSnapshot(w *senderScratch, v *view, lastSeq uint32) {
	st := &s.snap
	w.buf = s.encode(w, v, lastSeq)
	if st.base != nil {
		st.base.release()
	}
	st.base = v
	if !s.write(w.buf) {
		return
	}
	s.written.Store(v.tick)
	s.first.CompareAndSwap(0, v.tick)
	s.stats.snapshots.Add(1)
	s.opts.metrics.snapshots.Inc()
}

// write puts one binary message into the open batch. It fails once the
// connection is closing or closed; nothing more is written then.
func (s *session) write(b []byte) bool {
	err := s.conn.Write(context.Background(), websocket.MessageBinary, b)
	if err != nil {
		s.writeFailed.Store(true)
		s.opts.Logger.Debug("write failed", "player", s.player, "err", err)
		return false
	}
	return true
}

// countOut adds bytes that reached the network to the session's figures.
func (s *session) countOut(n int) {
	if n > 0 {
		s.stats.bytesOut.Add(uint64(n))
		s.opts.metrics.bytesOut.Add(float64(n))
	}
}

// fail ends the session after the network refused a write.
func (s *session) fail(err error) {
	s.opts.Logger.Debug("write failed", "player", s.player, "err", err)
	s.end()
}

// writeTimedOut ends a session whose client took nothing for WriteTimeout:
// it is not reading. No close frame: it would not be read either.
func (s *session) writeTimedOut() {
	if s.kicked.CompareAndSwap(false, true) {
		s.opts.Logger.Info("closing session", "player", s.player, "code", protocol.ClosePolicyViolation, "reason", "too slow: write timed out")
		s.opts.metrics.kicked.WithLabelValues(strconv.Itoa(protocol.ClosePolicyViolation)).Inc()
	}
	s.end()
}

// over reports that nothing more is to be written: the session ended, a
// close frame was sent or ordered, or a write failed.
func (s *session) over() bool {
	return s.ended() || s.closeSent.Load() || s.kicked.Load() || s.writeFailed.Load()
}

// carryOutClose closes the connection with the close order's code and
// reason, once everything before it has been written. The close handshake
// may wait seconds for the client: never on a sender.
func (s *session) carryOutClose() {
	if o := s.closing.Load(); s.kicked.CompareAndSwap(false, true) {
		s.conn.Close(o.code, o.reason)
	}
	s.end()
}

// encode returns, in w's buffer, the snapshot that brings the client from
// the last one written (none: it holds nothing) to v: everything, or what
// its interest filter keeps.
func (s *session) encode(w *senderScratch, v *view, lastSeq uint32) []byte {
	st := &s.snap
	if st.filter == nil && s.opts.Interest != nil {
		st.filter = &interestFilter{cfg: s.opts.Interest}
	}
	var baseTick uint32
	from, to := []protocol.Entity(nil), v.entities
	if st.filter != nil {
		from, to = st.filter.filter(&w.scratch, st.base, v, uint32(s.player))
	} else if st.base != nil {
		from = st.base.entities
	}
	if st.base == nil {
		from = nil
	} else {
		baseTick = st.base.tick
		if from == nil {
			from = to[:0] // holds nothing, yet a delta: not a full snapshot
		}
	}
	return protocol.AppendSnapshot(w.buf[:0], v.tick, baseTick, lastSeq, from, to, s.counts)
}
