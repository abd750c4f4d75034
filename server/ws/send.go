package ws

import (
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/match"
	"github.com/skirmishgg/skirmish/server/ws/wsframe"
)

// errCloseWritten: no message may follow the server's close frame.
var errCloseWritten = errors.New("server: the close frame is written")

// A session's sending state. Exactly one party runs a session's sending at
// a time: a sender, or the goroutine finishing a write that had to wait.
const (
	sendIdle    int32 = iota // nothing to write, nobody writing
	sendQueued               // in the pool's queue
	sendRunning              // being written
	sendDirty                // being written, and more arrived meanwhile
	sendClosing              // being written, and the session is over
	sendClosed               // over: never written again
)

// schedule notes that the session has something to write. It reports
// whether the session must be pushed to the pool (it was idle); the caller
// pushes, so a tick can push all its sessions at once. Any goroutine.
func (s *session) schedule() bool {
	if s.out == nil {
		return false // no connection (tests, benchmarks): whoever made it reads the mailbox
	}
	for {
		switch st := s.sendState.Load(); st {
		case sendIdle:
			if s.sendState.CompareAndSwap(st, sendQueued) {
				return true
			}
		case sendRunning:
			if s.sendState.CompareAndSwap(st, sendDirty) {
				return false
			}
		default: // queued, dirty, closing, closed
			return false
		}
	}
}

// wake schedules the session and pushes it when needed.
func (s *session) wake() {
	if s.schedule() {
		s.h.pool.push(s)
	}
}

// doneSending ends a run: the session goes idle, back in the queue when
// more arrived meanwhile (at the back: fairness among clients), or is
// closed for good when it ended meanwhile.
func (s *session) doneSending() {
	for {
		switch st := s.sendState.Load(); st {
		case sendRunning:
			if s.sendState.CompareAndSwap(st, sendIdle) {
				return
			}
		case sendDirty:
			if s.sendState.CompareAndSwap(st, sendQueued) {
				s.h.pool.push(s)
				return
			}
		case sendClosing:
			if s.sendState.CompareAndSwap(st, sendClosed) {
				s.releaseSending()
				return
			}
		default:
			panic(fmt.Sprintf("server: doneSending in sending state %d", st))
		}
	}
}

// stopSending ends the session's sending once the session is over: at
// once when nobody is writing it, else when the current run ends.
func (s *session) stopSending() {
	for {
		switch st := s.sendState.Load(); st {
		case sendIdle, sendQueued:
			// A queued session popped later finds it closed and is skipped.
			if s.sendState.CompareAndSwap(st, sendClosed) {
				s.releaseSending()
				return
			}
		case sendRunning, sendDirty:
			if s.sendState.CompareAndSwap(st, sendClosing) {
				return
			}
		default:
			return
		}
	}
}

// releaseSending lets go of the views the session held: the baseline of its
// next delta and an untaken snapshot. Runs once, by whoever closed it.
func (s *session) releaseSending() {
	if s.snap.base != nil {
		s.snap.base.Release()
		s.snap.base = nil
	}
	s.Detach()
}

// snapshotState is what a session's sending keeps between snapshots: the
// last snapshot written, retained as the baseline of the next delta (a
// WebSocket is reliable and ordered, so it is exactly what the client holds
// once it reads the next one), and the client's interest filter.
type snapshotState struct {
	base   *match.View
	filter *match.Filter
	// lastFrame is the tick of the last frame a spectator was written:
	// the base the next shared delta must have.
	lastFrame uint32
}

// runSender writes what a queued session has, on a sender of the pool. It
// never waits on the network: what the kernel does not take at once is
// finished by a goroutine of the session's own or, once the connection is
// an event loop's, by the loop; either also ends the run.
func (s *session) runSender(w *senderScratch) {
	if !s.sendState.CompareAndSwap(sendQueued, sendRunning) {
		return // closed while queued
	}
	if s.over() {
		s.doneSending()
		return
	}
	opened, busy := s.out.tryOpen()
	switch {
	case busy:
		// Another goroutine is writing (a close frame to a client that
		// stopped reading): write this batch once it is done.
		s.async(func() bool {
			if !s.out.begin() {
				return false
			}
			return s.finishBatch(s.fillBatch(&senderScratch{}))
		})
		return
	case !opened:
		s.doneSending() // a close frame is parked: nothing more goes out
		return
	}
	closing := s.fillBatch(w)
	n, st, err := s.out.flushNow(time.Now().Add(s.h.opts.WriteTimeout), closing)
	s.countOut(n)
	switch {
	case err != nil:
		s.fail(err)
	case st == flushParked:
		s.h.metrics.stalled.Inc() // the loop finishes the batch and the run
		return
	case st == flushPending:
		if s.out.raw != nil {
			// The client's socket buffer is full: a slow client.
			s.h.metrics.stalled.Inc()
		}
		s.async(func() bool { return s.finishBatch(closing) })
		return
	case closing:
		s.async(func() bool { s.carryOutClose(); return false })
		return
	}
	s.doneSending()
}

// finishBatch writes the rest of the open batch, waiting at most
// WriteTimeout, then carries out a close order found in it. parked: the
// connection went to an event loop meanwhile, which finishes the batch
// and the run.
func (s *session) finishBatch(closing bool) (parked bool) {
	n, parked, err := s.out.finish(time.Now().Add(s.h.opts.WriteTimeout), closing)
	s.countOut(n)
	switch {
	case parked:
		return true
	case errors.Is(err, os.ErrDeadlineExceeded):
		// The client took nothing for WriteTimeout: it is not reading,
		// and would not read a close frame either.
		s.lag("too slow: write timed out", noFrame)
	case err != nil:
		s.fail(err)
	case closing:
		s.carryOutClose()
	}
	return false
}

// async runs the rest of a session's run on a goroutine of its own, which
// may wait on the network; the run ends when f returns, unless f parked
// it for an event loop. Senders and loops only: the pool waits for these
// after its senders.
func (s *session) async(f func() (parked bool)) {
	s.h.pool.async.Add(1)
	go func() {
		defer s.h.pool.async.Done()
		if !f() {
			s.doneSending()
		}
	}()
}

// fillBatch writes into the open batch every queued reliable message, then
// the newest snapshot. The snapshot is taken first: every event of its tick
// was queued before it was offered, so none of them can follow it. closing
// reports a close order, with everything before it in the batch. A failed
// write leaves the batch as it is (it may hold another goroutine's close
// frame, which must still go out) and ends the session's writing.
func (s *session) fillBatch(w *senderScratch) (closing bool) {
	if p := s.pong.Swap(nil); p != nil && !s.closeWritten.Load() {
		s.out.Write(wsframe.AppendPong(nil, *p)) // joins the batch
	}
	v, lastSeq := s.take()
	f := s.takeFrame() // before the drain, like v: its events are queued already
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
	if f != nil {
		if closing || s.over() {
			f.release()
		} else {
			s.writeFrame(f)
		}
	}
	if v != nil {
		if closing || s.over() {
			v.Release()
		} else {
			s.writeSnapshot(w, v, lastSeq)
		}
	}
	return closing
}

// writeSnapshot writes v as a delta against the last snapshot written; it
// takes over the caller's reference to v.
func (s *session) writeSnapshot(w *senderScratch, v *match.View, lastSeq uint32) {
	st := &s.snap
	w.buf = s.encode(w, v, lastSeq)
	if st.base != nil {
		st.base.Release()
	}
	st.base = v
	if !s.write(w.buf) {
		return
	}
	s.written.Store(v.Tick)
	s.first.CompareAndSwap(0, v.Tick)
	s.stats.snapshots.Add(1)
	s.h.metrics.snapshots.Inc()
}

// write puts one binary message into the open batch. It fails once the
// connection is closing or closed; nothing more is written then.
func (s *session) write(b []byte) bool {
	var err error
	switch {
	case s.closeWritten.Load():
		err = errCloseWritten
	case s.ended():
		err = net.ErrClosed
	default:
		err = s.out.writeMessage(b)
	}
	if err != nil {
		s.writeFailed.Store(true)
		s.logger().Debug("write failed", "err", err)
		return false
	}
	return true
}

// countOut adds bytes that reached the network to the session's figures.
func (s *session) countOut(n int) {
	if n > 0 {
		s.stats.bytesOut.Add(uint64(n))
		s.h.metrics.bytesOut.Add(float64(n))
	}
}

// fail ends the session after the network refused a write: the
// connection is gone, as in a drop.
func (s *session) fail(err error) {
	s.logger().Debug("write failed", "err", err)
	s.end()
}

// over reports that nothing more is to be written: the session ended, a
// close frame was sent or ordered, or a write failed.
func (s *session) over() bool {
	return s.ended() || s.closeSent.Load() || s.stopWriting() || s.writeFailed.Load()
}

// encode returns, in w's buffer, the snapshot that brings the client from
// the last one written (none: it holds nothing) to v: everything, or what
// its interest filter keeps. Without a filter every client of the match
// that holds the same baseline is sent the same body, which the view
// encodes once for all of them; only the header (the client's last input)
// is the client's own.
func (s *session) encode(w *senderScratch, v *match.View, lastSeq uint32) []byte {
	st := &s.snap
	if st.filter == nil && s.h.opts.Interest != nil {
		st.filter = match.NewFilter(s.h.opts.Interest)
	}
	if st.filter == nil {
		var baseTick uint32
		if st.base != nil {
			baseTick = st.base.Tick // 0 encodes a full body, as it must
		}
		return v.AppendDeltaBody(protocol.AppendSnapshotHeader(w.buf[:0], v.Tick, baseTick, lastSeq), st.base)
	}
	var baseTick uint32
	from, to := st.filter.Filter(&w.scratch, st.base, v, s.playerID())
	if st.base == nil {
		from = nil
	} else {
		baseTick = st.base.Tick
		if from == nil {
			from = to[:0] // holds nothing, yet a delta: not a full snapshot
		}
	}
	return protocol.AppendSnapshot(w.buf[:0], v.Tick, baseTick, lastSeq, from, to, v.Counts)
}
