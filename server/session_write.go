package server

import (
	"context"
	"errors"

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
		// stopped reading): write this batch when it is done.
		s.opts.metrics.stalled.Inc()
		s.async(func() {
			s.out.begin()
			s.writeBatch(&senderScratch{})
		})
		return
	}
	closing, ok := s.fillBatch(w)
	if !ok {
		s.out.abort()
		s.fail(nil)
		s.doneSending()
		return
	}
	n, done, err := s.out.tryFlush()
	s.countOut(n)
	switch {
	case err != nil:
		s.fail(err)
	case !done:
		// The client's socket buffer is full: a slow client.
		s.opts.metrics.stalled.Inc()
		s.async(func() { s.finishBatch(closing) })
		return
	case closing:
		s.async(s.carryOutClose)
		return
	}
	s.doneSending()
}

// writeBatch fills an open batch and writes it, waiting as long as it takes.
func (s *session) writeBatch(w *senderScratch) {
	closing, ok := s.fillBatch(w)
	if !ok {
		s.out.abort()
		s.fail(nil)
		return
	}
	s.finishBatch(closing)
}

// finishBatch writes the rest of the open batch, then carries out a close
// order found in it.
func (s *session) finishBatch(closing bool) {
	s.writeStart.Store(s.opts.Clock.Now().UnixNano())
	n, err := s.out.flush()
	s.writeStart.Store(0)
	s.countOut(n)
	if err != nil {
		s.fail(err)
		return
	}
	if closing {
		s.carryOutClose()
	}
}

// async runs the rest of a session's run on a goroutine of its own, which
// may wait on the network; the run ends when f returns.
func (s *session) async(f func()) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
		s.doneSending()
	}()
}

// fillBatch writes into the open batch every queued reliable message, then
// the newest snapshot: a tick's events are queued before its view is
// offered, so a snapshot never runs ahead of its events. closing reports a
// close order (everything before it is in the batch); ok false, a failed
// write.
func (s *session) fillBatch(w *senderScratch) (closing, ok bool) {
	for {
		msg, queued := s.reliable.pop()
		if !queued {
			break
		}
		if msg == nil {
			s.closeSent.Store(true)
			return true, true
		}
		if s.write(msg) != nil {
			return false, false
		}
	}
	return false, s.writeSnapshot(w)
}

// writeSnapshot writes the newest view in the mailbox, if any, as a delta
// against the last one written; false means the write failed.
func (s *session) writeSnapshot(w *senderScratch) bool {
	v, lastSeq := s.take()
	if v == nil {
		return true
	}
	st := &s.snap
	if st.filter == nil && s.opts.Interest != nil {
		st.filter = &interestFilter{cfg: s.opts.Interest}
	}
	if st.filter != nil {
		st.filter.scratch = &w.scratch
	}
	w.buf = s.encode(w.buf[:0], st.base, v, lastSeq, st.filter, s.counts)
	if st.filter != nil {
		st.filter.scratch = nil
	}
	if st.base != nil {
		st.base.release()
	}
	st.base = v
	if s.write(w.buf) != nil {
		return false
	}
	s.written.Store(v.tick)
	s.first.CompareAndSwap(0, v.tick)
	s.stats.snapshots.Add(1)
	s.opts.metrics.snapshots.Inc()
	return true
}

// write puts one binary message into the open batch.
func (s *session) write(b []byte) error {
	err := s.conn.Write(context.Background(), websocket.MessageBinary, b)
	if err != nil && !errors.Is(err, context.Canceled) {
		s.opts.Logger.Debug("write failed", "player", s.player, "err", err)
	}
	return err
}

// countOut adds bytes that reached the network to the session's figures.
func (s *session) countOut(n int) {
	if n > 0 {
		s.stats.bytesOut.Add(uint64(n))
		s.opts.metrics.bytesOut.Add(float64(n))
	}
}

// fail ends the session after a failed write.
func (s *session) fail(err error) {
	if err != nil {
		s.opts.Logger.Debug("write failed", "player", s.player, "err", err)
	}
	s.end()
}

// over reports that nothing more is to be written: the session ended, or
// its close order has gone out.
func (s *session) over() bool {
	return s.ended() || s.closeSent.Load()
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

// encode appends the snapshot that brings the client from base (nil: it
// holds nothing) to v: everything, or what its interest filter keeps.
func (s *session) encode(buf []byte, base, v *view, lastSeq uint32, filter *interestFilter, counts *protocol.FieldCounts) []byte {
	var baseTick uint32
	from, to := []protocol.Entity(nil), v.entities
	if filter != nil {
		from, to = filter.filter(base, v, uint32(s.player))
	} else if base != nil {
		from = base.entities
	}
	if base == nil {
		from = nil
	} else {
		baseTick = base.tick
		if from == nil {
			from = to[:0] // holds nothing, yet a delta: not a full snapshot
		}
	}
	return protocol.AppendSnapshot(buf, v.tick, baseTick, lastSeq, from, to, counts)
}
