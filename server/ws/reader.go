package ws

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/match"
	"github.com/skirmishgg/skirmish/server/ratelimit"
)

// errClosed means the reader already closed the connection with a code and
// reason of its own; callers just end the session.
var errClosed = errors.New("server: session closed")

// readMessage reads the next binary message into buf, reusing its capacity.
// It closes the connection itself on a text frame. It reads without a
// context, which would cost the WebSocket library a timer per message: the
// session's end closes the connection instead (see newSession).
func (s *session) readMessage(buf []byte) ([]byte, error) {
	typ, r, err := s.conn.Reader(context.Background())
	if err != nil {
		return buf, err
	}
	if typ != websocket.MessageBinary {
		s.close(protocol.CloseUnsupportedData, "text frames are not supported: send binary msgpack", handshakeInline)
		return buf, errClosed
	}
	// A message over the read limit has already been closed with 1009 by
	// the WebSocket library.
	return protocol.AppendReadAll(buf, r)
}

// readHello performs the handshake: the first message must be a Hello of
// our version, within the handshake timeout, or a Spectate (then sp is
// set, h is zero).
func (s *session) readHello(buf []byte) (h protocol.Hello, sp *protocol.Spectate, _ []byte, _ error) {
	// A timer rather than a context deadline: the WebSocket library drops
	// the connection when a read's context ends, and the client deserves
	// a close code that says why.
	timer := time.AfterFunc(s.h.opts.HandshakeTimeout, func() {
		s.close(protocol.CloseHandshakeTimeout, "no hello within the handshake timeout", handshakeInline)
	})
	buf, err := s.readMessage(buf)
	if !timer.Stop() {
		return h, nil, buf, errClosed
	}
	if err != nil {
		return h, nil, buf, err
	}
	typ, err := protocol.PeekType(buf)
	if err != nil {
		return h, nil, buf, s.closeForDecode(err)
	}
	if typ != protocol.MsgHello && typ != protocol.MsgSpectate {
		s.close(protocol.CloseUnexpected, fmt.Sprintf("expected hello first, got message type %d", typ), handshakeInline)
		return h, nil, buf, errClosed
	}
	// The version first: another version's Hello has other fields.
	if v, err := protocol.PeekVersion(buf); err == nil && v != protocol.Version {
		s.close(protocol.CloseBadVersion, fmt.Sprintf("unsupported protocol version %d: this server speaks %d", v, protocol.Version), handshakeInline)
		return h, nil, buf, errClosed
	}
	if typ == protocol.MsgSpectate {
		sp = &protocol.Spectate{}
		if err := sp.Decode(buf); err != nil {
			return h, nil, buf, s.closeForDecode(err)
		}
		return h, sp, buf, nil
	}
	if err := h.Decode(buf); err != nil {
		return h, nil, buf, s.closeForDecode(err)
	}
	return h, nil, buf, nil
}

// readLoop handles the client's messages after the handshake until the
// connection ends. It reports whether the connection dropped (rather than
// being closed on purpose by either side), which keeps the seat for resuming.
func (s *session) readLoop(buf []byte, m *match.Match, p *match.Player) (dropped bool) {
	err := s.readMessages(buf, m, p)
	// 1000 is a player quitting; 1001 a browser tab closing or navigating
	// away. Anything else (no close frame, 1006) is a drop.
	switch websocket.CloseStatus(err) {
	case websocket.StatusNormalClosure, websocket.StatusGoingAway:
		return false
	}
	return s.keepsSeat()
}

func (s *session) readMessages(buf []byte, m *match.Match, p *match.Player) error {
	clock := s.h.opts.Clock
	limit := ratelimit.New(s.h.opts.InputRate, s.h.opts.InputBurst, clock.Now())
	var in protocol.Input
	var ping protocol.Ping
	for {
		var err error
		buf, err = s.readMessage(buf)
		if err != nil {
			return err
		}
		if !limit.Allow(clock.Now()) {
			s.close(protocol.ClosePolicyViolation, "input rate limit exceeded", handshakeInline)
			return errClosed
		}
		typ, err := protocol.PeekType(buf)
		if err != nil {
			return s.closeForDecode(err)
		}
		switch typ {
		case protocol.MsgInput:
			if err := in.Decode(buf); err != nil {
				return s.closeForDecode(err)
			}
			p.PushSeen(game.Input{Seq: in.Seq, MoveX: in.MoveX, MoveY: in.MoveY, Aim: in.Aim, Buttons: in.Buttons}, match.Seen{Ack: min(in.Ack, s.written.Load()), View: in.View})
			if in.Ack > s.acked.Load() && in.Ack <= s.written.Load() {
				s.acked.Store(in.Ack)
			}
		case protocol.MsgPing:
			if err := ping.Decode(buf); err != nil {
				return s.closeForDecode(err)
			}
			pong := protocol.Pong{ClientTime: ping.ClientTime, ServerTick: m.Tick()}
			s.Send(pong.Append(nil))
		default:
			s.close(protocol.CloseUnexpected, fmt.Sprintf("unexpected message type %d after the handshake", typ), handshakeInline)
			return errClosed
		}
	}
}

// closeForDecode closes the connection with the code that fits a decode
// error.
func (s *session) closeForDecode(err error) error {
	code := protocol.CloseCode(protocol.CloseInvalidPayload) // malformed, wrong shape, or over a limit
	if errors.Is(err, protocol.ErrUnknownType) {
		code = protocol.CloseUnknownType
	}
	s.close(code, protocol.Truncate(err.Error(), protocol.MaxCloseReason), handshakeInline)
	return errClosed
}
