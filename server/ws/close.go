package ws

import (
	"strconv"
	"time"

	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/ws/wsframe"
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
	// keepSeat holds the player's seat for the grace period, as after a
	// drop: the client fell behind (a stall), it did nothing wrong.
	keepSeat bool
}

// close is the one way the server closes a session on purpose, with a
// typed close code. The first close decided wins, except that one which
// ends the connection now overrides a pending close after the queue (a
// client that floods or stalls while its match is ending). It is carried
// out as how says, and logged and counted by code where it is carried out:
// never on the match's tick, which only decides. Any goroutine; only
// handshakeInline waits.
func (s *session) close(code protocol.CloseCode, reason string, how closeHow) {
	s.closeWith(&closeOrder{code: code, reason: reason, how: how})
}

// lag closes a client that fell behind (1008): unlike a close for abuse
// (a flood, garbage), it keeps its seat for the grace period and may
// resume, exactly like a dropped connection.
func (s *session) lag(reason string, how closeHow) {
	s.closeWith(&closeOrder{code: protocol.ClosePolicyViolation, reason: reason, how: how, keepSeat: true})
}

func (s *session) closeWith(o *closeOrder) {
	how := o.how
	won := s.closing.CompareAndSwap(nil, o)
	if prev := s.closing.Load(); !won && prev.how == afterQueued && how != afterQueued {
		won = s.closing.CompareAndSwap(prev, o)
	}
	if won && !o.keepSeat && how != afterQueued {
		if p := s.player.Load(); p != nil {
			p.Forfeit()
		}
	}
	switch {
	case how == noFrame:
		if won {
			s.record(o)
		}
		s.end()
	case !won:
	case how == afterQueued:
		s.reliable.pushFinal(s.bye(o), nil) // a Bye (maybe) and the marker
		s.wake()
	case how == handshakeNow:
		s.h.wg.Add(1)
		go func() {
			defer s.h.wg.Done()
			s.record(o)
			// The player leaves the match now: the close frame's write
			// may wait for a stalled client.
			s.leave(o.keepSeat)
			s.closeHandshake(o, true)
		}()
	case how == handshakeInline && s.looped():
		// On the event loop: the handshake's writes never wait there,
		// but a log line may.
		s.closeHandshake(o, true)
		s.h.wg.Add(1)
		go func() {
			defer s.h.wg.Done()
			s.record(o)
		}()
	case how == handshakeInline:
		s.record(o)
		s.closeHandshake(o, true)
	}
}

// byeTimeout bounds the write of a close frame (and its Bye) outside the
// senders: a client that takes nothing gets its close frame, or a dropped
// connection, soon after.
const byeTimeout = time.Second

// closeWait bounds the close handshake: a client that has not answered
// the server's close frame by then has its connection dropped.
const closeWait = 5 * time.Second

// closeHandshake starts the close handshake of o: it writes the close
// frame (after o's Bye when withBye), waiting byeTimeout at most, and
// leaves the wait for the client's answer to the reader, which ends the
// session when it comes; the session ends after closeWait anyway. It
// never waits for the client's answer itself.
func (s *session) closeHandshake(o *closeOrder, withBye bool) {
	if !s.closeWritten.CompareAndSwap(false, true) {
		return // the client closed first and was answered, or a close is out
	}
	var frames []byte
	if withBye {
		if b := s.bye(o); b != nil {
			frames = wsframe.AppendBinary(frames, b)
		}
	}
	frames = wsframe.AppendClose(frames, uint16(o.code), o.reason)
	if s.out == nil {
		s.end()
		return
	}
	if err := s.out.writeFrames(frames, time.Now().Add(byeTimeout)); err != nil {
		s.end()
		return
	}
	time.AfterFunc(closeWait, s.end)
}

// bye is the Bye message of a close, or nil before the client's Hello was
// accepted (it may not speak this version).
func (s *session) bye(o *closeOrder) []byte {
	if !s.spoke.Load() {
		return nil
	}
	return (&protocol.Bye{Code: uint16(o.code), Reason: o.reason}).Append(nil)
}

// record logs a close and counts it by code. Closes the server makes on
// its own initiative count; those that end a match or a take-over are
// planned and only logged at debug level.
func (s *session) record(o *closeOrder) {
	if o.how == afterQueued {
		s.logger().Debug("closing session", "code", int(o.code), "reason", o.reason)
		return
	}
	s.logger().Info("closing session", "code", int(o.code), "reason", o.reason)
	s.h.metrics.closed.WithLabelValues(strconv.Itoa(int(o.code))).Inc()
}

// keepsSeat reports whether the session's end keeps the player's seat for
// the grace period: no close was decided (a drop), or one for lagging.
func (s *session) keepsSeat() bool {
	o := s.closing.Load()
	return o == nil || o.keepSeat
}

// stopWriting reports a close that ends writing at once: every close but
// one ordered after the queue.
func (s *session) stopWriting() bool {
	o := s.closing.Load()
	return o != nil && o.how != afterQueued
}

// carryOutClose closes the connection with the close order's code and
// reason, once everything before it (its Bye included) has been written.
// The close frame's write may wait for the client: never on a sender.
func (s *session) carryOutClose() {
	o := s.closing.Load()
	if o == nil {
		s.end()
		return
	}
	s.record(o)
	s.closeHandshake(o, false)
}

// leave takes the session's player out of its match, if it joined.
// dropped keeps its seat for the grace period.
func (s *session) leave(dropped bool) {
	m, p := s.m.Load(), s.player.Load()
	switch {
	case m != nil && p != nil:
		m.Leave(p, dropped)
	case m != nil && s.watcher.Load():
		m.Unspectate(s)
	}
}
