package ws

import (
	"strconv"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/protocol"
)

// closeHow is how a close is carried out.
type closeHow uint8

const (
	// afterQueued: a sender writes the close frame once everything queued
	// before it is out (the end of a match, a seat taken over).
	afterQueued closeHow = iota
	// handshakeNow: a goroutine of its own leaves the match and does the
	// close handshake now, which may wait seconds for the client (a
	// client that fell behind).
	handshakeNow
	// handshakeInline: the caller does the handshake itself: the reader,
	// or the handshake timer, which may wait.
	handshakeInline
	// noFrame: the client takes nothing any more (a write timed out):
	// the connection is dropped without a close frame.
	noFrame
)

// closeOrder is a close the server decided on.
type closeOrder struct {
	code   protocol.CloseCode
	reason string
	how    closeHow
}

// close is the one way the server closes a session on purpose, with a
// typed close code. The first close decided wins: it is logged and
// counted by code, and carried out as how says. A later one only still
// drops a connection that takes nothing (noFrame). Any goroutine; only
// handshakeInline waits.
func (s *session) close(code protocol.CloseCode, reason string, how closeHow) {
	o := &closeOrder{code, reason, how}
	first := s.closing.CompareAndSwap(nil, o)
	if first {
		s.h.opts.Logger.Info("closing session", "player", s.playerID(), "code", int(code), "reason", reason)
		s.h.metrics.closed.WithLabelValues(strconv.Itoa(int(code))).Inc()
	}
	switch {
	case how == noFrame:
		s.end()
	case !first:
	case how == afterQueued:
		s.Send(nil)
	case how == handshakeNow:
		s.h.wg.Add(1)
		go func() {
			defer s.h.wg.Done()
			// The player leaves the match now: the handshake may wait
			// seconds for a stalled client's answer.
			s.leave(false)
			s.conn.Close(websocket.StatusCode(code), reason)
			s.end()
		}()
	case how == handshakeInline:
		s.conn.Close(websocket.StatusCode(code), reason)
	}
}

// closedOnPurpose reports whether the server decided to close the session.
func (s *session) closedOnPurpose() bool { return s.closing.Load() != nil }

// stopWriting reports a close that ends writing at once: every close but
// one ordered after the queue.
func (s *session) stopWriting() bool {
	o := s.closing.Load()
	return o != nil && o.how != afterQueued
}

// carryOutClose closes the connection with the close order's code and
// reason, once everything before it has been written. The close handshake
// may wait seconds for the client: never on a sender.
func (s *session) carryOutClose() {
	if o := s.closing.Load(); o != nil {
		s.conn.Close(websocket.StatusCode(o.code), o.reason)
	}
	s.end()
}

// leave takes the session's player out of its match, if it joined.
// dropped keeps its seat for the grace period.
func (s *session) leave(dropped bool) {
	if m, p := s.m.Load(), s.player.Load(); m != nil && p != nil {
		m.Leave(p, dropped)
	}
}
