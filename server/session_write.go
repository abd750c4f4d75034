package server

import (
	"context"
	"errors"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/protocol"
)

// writeLoop is the session's writer goroutine: it writes queued reliable
// messages in order and, when woken by the mailbox, the newest snapshot as a
// delta against the last one written on this connection. A WebSocket is
// reliable and ordered, so the last written snapshot is exactly what the
// client holds once it reads this one.
func (s *session) writeLoop(counts *protocol.FieldCounts) {
	var (
		buf    []byte
		base   *view // the last snapshot written, retained
		filter *interestFilter
	)
	if s.opts.Interest != nil {
		filter = &interestFilter{cfg: s.opts.Interest}
	}
	defer func() {
		if base != nil {
			base.release()
		}
		if v, _ := s.take(); v != nil {
			v.release()
		}
	}()
	for {
		select {
		case <-s.ctx.Done():
			return
		case o := <-s.reliable:
			if !s.writeReliable(o) {
				return
			}
			continue
		case <-s.notify:
		}
		// Events of a tick are queued before its view is offered: write
		// them first so a snapshot never runs ahead of its events.
		if !s.drainReliable() {
			return
		}
		v, lastSeq := s.take()
		if v == nil {
			continue
		}
		buf = s.encode(buf[:0], base, v, lastSeq, filter, counts)
		if base != nil {
			base.release()
		}
		base = v
		if err := s.write(buf); err != nil {
			return
		}
		s.written.Store(v.tick)
		s.first.CompareAndSwap(0, v.tick)
		s.stats.snapshots.Add(1)
		s.opts.metrics.snapshots.Inc()
	}
}

// drainReliable writes every queued reliable message; false means the
// session is over.
func (s *session) drainReliable() bool {
	for {
		select {
		case o := <-s.reliable:
			if !s.writeReliable(o) {
				return false
			}
		default:
			return true
		}
	}
}

// writeReliable writes one queued message or carries out a close order;
// false means the session is over.
func (s *session) writeReliable(msg []byte) bool {
	if msg != nil {
		return s.write(msg) == nil
	}
	if o := s.closing.Load(); s.kicked.CompareAndSwap(false, true) {
		s.conn.Close(o.code, o.reason)
	}
	s.cancel()
	return false
}

// write sends one binary message. The write start time lets the match's
// watchdog close a connection whose write has stalled, without a timer or
// context per write.
func (s *session) write(b []byte) error {
	s.writeStart.Store(s.opts.Clock.Now().UnixNano())
	err := s.conn.Write(context.Background(), websocket.MessageBinary, b)
	s.writeStart.Store(0)
	if err != nil {
		if !errors.Is(err, context.Canceled) {
			s.opts.Logger.Debug("write failed", "player", s.player, "err", err)
		}
		s.cancel()
		return err
	}
	s.stats.bytesOut.Add(uint64(len(b)))
	s.opts.metrics.bytesOut.Add(float64(len(b)))
	return nil
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
