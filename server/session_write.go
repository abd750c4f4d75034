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
		buf  []byte
		base *view // the last snapshot written, retained
	)
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
		if base == nil {
			buf = protocol.AppendSnapshot(buf[:0], v.tick, 0, lastSeq, nil, v.entities, counts)
		} else {
			buf = protocol.AppendSnapshot(buf[:0], v.tick, base.tick, lastSeq, base.entities, v.entities, counts)
			base.release()
		}
		base = v
		if err := s.write(buf); err != nil {
			return
		}
		s.stats.snapshots.Add(1)
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
func (s *session) writeReliable(o outbound) bool {
	if o.msg != nil {
		return s.write(o.msg) == nil
	}
	if s.kicked.CompareAndSwap(false, true) {
		s.conn.Close(o.closeCode, o.closeReason)
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
	return nil
}
