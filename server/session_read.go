package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/protocol"
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
		s.closeWith(protocol.CloseUnsupportedData, "text frames are not supported: send binary msgpack")
		return buf, errClosed
	}
	buf = buf[:0]
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			// A message over the read limit has already been closed with
			// 1009 by the WebSocket library.
			return buf, err
		}
	}
}

// readHello performs the handshake: the first message must be a Hello of
// our version, within the handshake timeout.
func (s *session) readHello(buf []byte) (protocol.Hello, []byte, error) {
	var h protocol.Hello
	// A timer rather than a context deadline: the WebSocket library drops
	// the connection when a read's context ends, and the client deserves
	// a close code that says why.
	timer := time.AfterFunc(s.opts.HandshakeTimeout, func() {
		s.closeWith(protocol.CloseHandshakeTimeout, "no hello within the handshake timeout")
	})
	buf, err := s.readMessage(buf)
	if !timer.Stop() {
		return h, buf, errClosed
	}
	if err != nil {
		return h, buf, err
	}
	typ, err := protocol.PeekType(buf)
	if err != nil {
		return h, buf, s.closeForDecode(err)
	}
	if typ != protocol.MsgHello {
		s.closeWith(protocol.CloseUnexpected, fmt.Sprintf("expected hello first, got message type %d", typ))
		return h, buf, errClosed
	}
	if err := h.Decode(buf); err != nil {
		return h, buf, s.closeForDecode(err)
	}
	if h.Version != protocol.Version {
		s.closeWith(protocol.CloseBadVersion, fmt.Sprintf("unsupported protocol version %d: this server speaks %d", h.Version, protocol.Version))
		return h, buf, errClosed
	}
	return h, buf, nil
}

// readLoop handles the client's messages after the handshake until the
// connection ends. It reports whether the connection dropped (rather than
// being closed on purpose by either side), which keeps the seat for resuming.
func (s *session) readLoop(buf []byte, m *Match) (dropped bool) {
	err := s.readMessages(buf, m)
	// 1000 is a player quitting; 1001 a browser tab closing or navigating
	// away. Anything else (no close frame, 1006) is a drop.
	switch websocket.CloseStatus(err) {
	case websocket.StatusNormalClosure, websocket.StatusGoingAway:
		return false
	}
	return !s.kicked.Load()
}

func (s *session) readMessages(buf []byte, m *Match) error {
	limit := newTokenBucket(s.opts.InputRate, s.opts.InputBurst, s.opts.Clock.Now())
	var in protocol.Input
	var ping protocol.Ping
	for {
		var err error
		buf, err = s.readMessage(buf)
		if err != nil {
			return err
		}
		if !limit.allow(s.opts.Clock.Now()) {
			s.closeWith(protocol.ClosePolicyViolation, "input rate limit exceeded")
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
			s.pushInput(game.Input{Seq: in.Seq, MoveX: in.MoveX, MoveY: in.MoveY, Aim: in.Aim, Buttons: in.Buttons})
			if in.Ack > s.acked.Load() && in.Ack <= s.written.Load() {
				s.acked.Store(in.Ack)
			}
		case protocol.MsgPing:
			if err := ping.Decode(buf); err != nil {
				return s.closeForDecode(err)
			}
			pong := protocol.Pong{ClientTime: ping.ClientTime, ServerTick: m.currentTick.Load()}
			s.send(pong.Append(nil))
		default:
			s.closeWith(protocol.CloseUnexpected, fmt.Sprintf("unexpected message type %d after the handshake", typ))
			return errClosed
		}
	}
}

// closeForDecode closes the connection with the code that fits a decode
// error.
func (s *session) closeForDecode(err error) error {
	code := protocol.CloseInvalidPayload // malformed, wrong shape, or over a limit
	if errors.Is(err, protocol.ErrUnknownType) {
		code = protocol.CloseUnknownType
	}
	s.closeWith(code, protocol.Truncate(err.Error(), protocol.MaxCloseReason))
	return errClosed
}

// closeWith closes the connection from the reader with a code and reason.
func (s *session) closeWith(code int, reason string) {
	if s.kicked.CompareAndSwap(false, true) {
		s.opts.Logger.Info("closing session", "player", s.player, "code", code, "reason", reason)
		s.opts.metrics.kicked.WithLabelValues(strconv.Itoa(code)).Inc()
		s.conn.Close(websocket.StatusCode(code), reason)
	}
}

// cleanName makes a display name safe to show: printable, trimmed, bounded.
func cleanName(name string, player game.PlayerID) string {
	name = strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return -1
	}, name)
	name = strings.TrimSpace(name)
	if name == "" {
		return fmt.Sprintf("player-%d", player)
	}
	return name
}
