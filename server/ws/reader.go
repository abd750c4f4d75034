package ws

import (
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/match"
	"github.com/skirmishgg/skirmish/server/ratelimit"
	"github.com/skirmishgg/skirmish/server/ws/wsframe"
)

// errClosed means the reader already closed the connection with a code and
// reason of its own; callers just end the session.
var errClosed = errors.New("server: session closed")

// peerClosed is the client's close frame: the connection is over, with
// the client's code (wsframe.CloseNoStatus when it gave none).
type peerClosed struct{ code uint16 }

func (e peerClosed) Error() string {
	return fmt.Sprintf("server: the client closed the connection (%d)", e.code)
}

// connReader is a connection's read side: its socket, read buffer, frame
// parser, control frame budget and, once seated, what its messages go to.
// Its reader's only: the connection's goroutine, then (linux) the event
// loop it is handed to.
type connReader struct {
	nc  net.Conn
	buf []byte // the goroutine's read buffer; a loop reads into its own
	p   wsframe.Parser
	ctl *controlBudget

	// Set when seated (seatedReader).
	m      *match.Match
	player *match.Player // nil for a spectator
	limit  ratelimit.Bucket
	in     protocol.Input
	ping   protocol.Ping
}

func newConnReader(nc net.Conn, early []byte, ctl *controlBudget) *connReader {
	r := &connReader{nc: nc, buf: make([]byte, connReadBuffer), ctl: ctl}
	r.p.Limit = protocol.MaxClientFrame
	if len(early) > 0 {
		r.p.Feed(early) // the parser's own copy: Hijack cloned it
		r.p.Keep()
	}
	return r
}

// nextFrame returns the parser's next complete frame, if it holds one. A
// frame the RFC refuses closes the connection with its code (errClosed).
func (s *session) nextFrame() (wsframe.Message, bool, error) {
	m, ok, err := s.rd.p.Next()
	if err != nil {
		var ce *wsframe.CloseError
		if errors.As(err, &ce) {
			s.close(protocol.CloseCode(ce.Code), ce.Reason, handshakeInline)
		}
		return m, false, errClosed
	}
	return m, ok, nil
}

// readMessage returns the next binary message, valid until the next call.
// Control frames are handled on the way: pings answered (through the
// senders), pings and pongs charged to the control budget, the client's
// close frame answered. A text message, or a frame the RFC refuses, closes
// the connection itself (errClosed).
func (s *session) readMessage() ([]byte, error) {
	r := s.rd
	for {
		m, ok, err := s.nextFrame()
		if err != nil {
			return nil, err
		}
		if !ok {
			n, err := r.nc.Read(r.buf)
			if n > 0 {
				r.p.Feed(r.buf[:n])
				continue
			}
			return nil, err
		}
		if msg, err, done := s.handleFrame(m); done {
			return msg, err
		}
	}
}

// handleFrame handles one message or control frame from the parser: done
// when it is the caller's (a binary message, or the end).
func (s *session) handleFrame(m wsframe.Message) (msg []byte, err error, done bool) {
	closing := s.closeWritten.Load() // our close frame is out: only its answer counts
	switch m.Op {
	case wsframe.OpBinary:
		if closing {
			return nil, nil, false
		}
		return m.Payload, nil, true
	case wsframe.OpText:
		if closing {
			return nil, nil, false
		}
		s.close(protocol.CloseUnsupportedData, "text frames are not supported: send binary msgpack", handshakeInline)
		return nil, errClosed, true
	case wsframe.OpPing:
		if s.rd.ctl.spend(len(m.Payload)) && !closing { // no pong for a client over its budget
			s.queuePong(m.Payload)
		}
	case wsframe.OpPong:
		s.rd.ctl.spend(len(m.Payload))
	case wsframe.OpClose:
		return nil, s.closedByPeer(m.Code), true
	}
	return nil, nil, false
}

// queuePong has the next sender run answer a ping.
func (s *session) queuePong(payload []byte) {
	p := append([]byte(nil), payload...) // payload aliases the read buffer
	s.pong.Store(&p)
	s.wake()
}

// closedByPeer handles the client's close frame: the answer to ours ends
// the handshake; one of the client's own is echoed first. Either way the
// connection ends.
func (s *session) closedByPeer(code uint16) error {
	if s.closeWritten.CompareAndSwap(false, true) {
		// The server closes the TCP connection right after its answer
		// (RFC 6455 section 7.1.1): a client that stops reading gets it
		// dropped after byeTimeout at most.
		s.out.writeFrames(wsframe.AppendClose(nil, code, ""), time.Now().Add(byeTimeout))
	}
	s.end()
	return peerClosed{code}
}

// awaitClose waits, reading, for the client's answer to the close frame
// the server wrote, discarding whatever comes before it: closing a socket
// with unread bytes resets it, and the client could lose the close frame.
// The wait is bounded: the handshake's writer ends the session after
// closeWait. Reader only.
func (s *session) awaitClose() {
	if !s.closeWritten.Load() || s.ended() {
		return
	}
	for {
		if _, err := s.readMessage(); err != nil {
			return
		}
	}
}

// readHello performs the handshake: the first message must be a Hello of
// our version, within the handshake timeout, or a Spectate (then sp is
// set, h is zero).
func (s *session) readHello() (h protocol.Hello, sp *protocol.Spectate, _ error) {
	// The handshake timer closes the connection with a code that says
	// why; the read it interrupts then fails.
	timer := time.AfterFunc(s.h.opts.HandshakeTimeout, func() {
		s.close(protocol.CloseHandshakeTimeout, "no hello within the handshake timeout", handshakeInline)
	})
	buf, err := s.readMessage()
	if !timer.Stop() {
		return h, nil, errClosed
	}
	if err != nil {
		return h, nil, err
	}
	typ, err := protocol.PeekType(buf)
	if err != nil {
		return h, nil, s.closeForDecode(err)
	}
	if typ != protocol.MsgHello && typ != protocol.MsgSpectate {
		s.close(protocol.CloseUnexpected, fmt.Sprintf("expected hello first, got message type %d", typ), handshakeInline)
		return h, nil, errClosed
	}
	// The version first: another version's Hello has other fields.
	if v, err := protocol.PeekVersion(buf); err == nil && v != protocol.Version {
		s.close(protocol.CloseBadVersion, fmt.Sprintf("unsupported protocol version %d: this server speaks %d", v, protocol.Version), handshakeInline)
		return h, nil, errClosed
	}
	if typ == protocol.MsgSpectate {
		sp = &protocol.Spectate{}
		if err := sp.Decode(buf); err != nil {
			return h, nil, s.closeForDecode(err)
		}
		return h, sp, nil
	}
	if err := h.Decode(buf); err != nil {
		return h, nil, s.closeForDecode(err)
	}
	return h, nil, nil
}

// seated prepares the reader for the messages of a seated player (p set)
// or spectator of m.
func (s *session) seated(m *match.Match, p *match.Player) {
	r := s.rd
	r.m, r.player = m, p
	r.limit = ratelimit.New(s.h.opts.InputRate, s.h.opts.InputBurst, s.h.opts.Clock.Now())
}

// readSeated reads a seated session's messages on its own goroutine until
// the connection ends, and returns why it ended.
func (s *session) readSeated() error {
	for {
		buf, err := s.readMessage()
		if err != nil {
			return err
		}
		if err := s.onMessage(buf); err != nil {
			return err
		}
	}
}

// dropped reports whether a connection whose reads ended with err dropped
// (rather than being closed on purpose by either side), which keeps the
// seat for resuming.
func (s *session) dropped(err error) bool {
	// 1000 is a player quitting; 1001 a browser tab closing or navigating
	// away. Anything else (no close frame, 1006) is a drop.
	var pc peerClosed
	if errors.As(err, &pc) && (pc.code == uint16(protocol.CloseNormal) || pc.code == uint16(protocol.CloseGoingAway)) {
		return false
	}
	return s.keepsSeat()
}

// onMessage handles one message of a seated player or spectator: inputs
// (rate limited) to the match, pings answered. Anything else closes the
// connection (errClosed). It never waits: the event loop calls it.
func (s *session) onMessage(buf []byte) error {
	r := s.rd
	if !r.limit.Allow(s.h.opts.Clock.Now()) {
		s.close(protocol.ClosePolicyViolation, "input rate limit exceeded", handshakeInline)
		return errClosed
	}
	typ, err := protocol.PeekType(buf)
	if err != nil {
		return s.closeForDecode(err)
	}
	switch {
	case typ == protocol.MsgPing:
		if err := r.ping.Decode(buf); err != nil {
			return s.closeForDecode(err)
		}
		s.Send((&protocol.Pong{ClientTime: r.ping.ClientTime, ServerTick: r.m.Tick()}).Append(nil))
	case r.player == nil && typ == protocol.MsgInput:
		s.close(protocol.CloseUnexpected, "spectators cannot send input", handshakeInline)
		return errClosed
	case r.player == nil:
		s.close(protocol.CloseUnexpected, fmt.Sprintf("unexpected message type %d from a spectator", typ), handshakeInline)
		return errClosed
	case typ == protocol.MsgInput:
		in := &r.in
		if err := in.Decode(buf); err != nil {
			return s.closeForDecode(err)
		}
		r.player.PushSeen(game.Input{Seq: in.Seq, MoveX: in.MoveX, MoveY: in.MoveY, Aim: in.Aim, Buttons: in.Buttons}, match.Seen{Ack: min(in.Ack, s.written.Load()), View: in.View})
		if in.Ack > s.acked.Load() && in.Ack <= s.written.Load() {
			s.acked.Store(in.Ack)
		}
	default:
		s.close(protocol.CloseUnexpected, fmt.Sprintf("unexpected message type %d after the handshake", typ), handshakeInline)
		return errClosed
	}
	return nil
}

// consume handles every complete message the parser holds, without
// reading: the event loop's side of readMessage. over means reading is
// over (the client's close frame came, or a frame the RFC refuses); a
// message the server closed the connection for leaves it open for the
// client's answer, ignoring everything else.
func (s *session) consume() (over bool, err error) {
	for {
		m, ok, err := s.nextFrame()
		if err != nil {
			return true, err
		}
		if !ok {
			return false, nil
		}
		msg, err, done := s.handleFrame(m)
		switch {
		case !done:
		case err != nil:
			var pc peerClosed
			if errors.As(err, &pc) {
				return true, err
			}
		default:
			s.onMessage(msg) // a close it decides leaves the rest ignored
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
