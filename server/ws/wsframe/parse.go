package wsframe

import (
	"encoding/binary"
	"unicode/utf8"
)

// Message is one complete client message or control frame.
type Message struct {
	// Op is OpBinary or OpText for a message (however many fragments it
	// came in), OpPing, OpPong or OpClose for a control frame.
	Op byte
	// Payload is the message, unmasked. It aliases the bytes given to
	// Feed (or the parser's own buffers) and is valid until the next call
	// of Next or Feed.
	Payload []byte
	// Code is a close frame's status code; CloseNoStatus when it has none.
	Code uint16
}

// Reason is a close frame's reason (valid UTF-8, checked by the parser).
func (m Message) Reason() string {
	if m.Op != OpClose || len(m.Payload) < 2 {
		return ""
	}
	return string(m.Payload[2:])
}

// Parser reads a client's frames incrementally. The zero value needs
// Limit set before use. Not safe for concurrent use: one reader owns it.
type Parser struct {
	// Limit is the largest message, over all its fragments (1009 past it).
	Limit int

	in   []byte // unparsed bytes of the last Feed: the caller's or own
	own  []byte // the bytes of an incomplete frame cut by a read; nil otherwise
	frag []byte // a fragmented message so far; nil when none is open

	fragOp byte  // opcode of the open fragmented message, 0 when none
	closed bool  // a close frame was read: later bytes are ignored
	err    error // the breach that stopped the parser
}

// Feed hands the parser a read's bytes, which the messages Next returns
// alias (their masks are undone in place): b must stay untouched until
// Next reports no more messages. Call Next until it does before feeding
// more.
func (p *Parser) Feed(b []byte) {
	if len(p.in) > 0 {
		p.Keep() // a caller that fed again early: nothing is lost
	}
	if len(p.own) > 0 {
		p.own = append(p.own, b...)
		p.in = p.own
		return
	}
	p.in = b
}

// Keep moves the unparsed bytes of the last Feed into the parser's own
// buffer, so that the caller's buffer may be reused (a connection handed
// from one reader to another with messages still unread).
func (p *Parser) Keep() {
	if len(p.in) == 0 {
		p.in, p.own = nil, nil
		return
	}
	if len(p.own) > 0 && &p.in[0] == &p.own[0] {
		return // already at the start of its own buffer: a frame still growing
	}
	// Overlapping when p.in is in p.own already: append copies forward.
	p.own = append(p.own[:0], p.in...)
	p.in = p.own
}

// Buffered reports how many bytes the parser holds of its own: an
// incomplete frame and an open fragmented message.
func (p *Parser) Buffered() int { return len(p.own) + len(p.frag) }

// Closed reports whether the client's close frame was read.
func (p *Parser) Closed() bool { return p.closed }

// Next returns the next complete message of the bytes fed so far. ok is
// false when none is complete yet (feed more) or after the close frame;
// err is the client's breach of the protocol, a *CloseError, after which
// the parser returns only that error.
func (p *Parser) Next() (m Message, ok bool, err error) {
	if p.err != nil {
		return Message{}, false, p.err
	}
	for {
		if p.closed {
			p.in, p.own = nil, nil // nothing after a close frame counts
			return Message{}, false, nil
		}
		h, whole, err := parseHeader(p.in)
		if err != nil {
			return p.fail(err)
		}
		if !whole {
			p.Keep()
			return Message{}, false, nil
		}
		// The limit is checked before the payload is waited for: a
		// client announcing a huge frame is refused at its header.
		if h.op < OpClose && h.size > uint64(p.Limit-len(p.frag)) {
			return p.fail(tooBig(p.Limit))
		}
		size := int(h.size)
		if len(p.in)-h.hdr < size {
			p.Keep()
			return Message{}, false, nil
		}
		payload := p.in[h.hdr : h.hdr+size : h.hdr+size]
		p.in = p.in[h.hdr+size:]
		unmask(payload, h.key)
		if len(p.in) == 0 {
			p.in, p.own = nil, nil // messages alias own until the next call
		}
		switch h.op {
		case OpPing, OpPong:
			return Message{Op: h.op, Payload: payload}, true, nil
		case OpClose:
			m, err := closeMessage(payload)
			if err != nil {
				return p.fail(err)
			}
			p.closed = true
			return m, true, nil
		case OpText, OpBinary:
			if p.fragOp != 0 {
				return p.fail(protocolError("a new message inside a fragmented one"))
			}
			if h.fin {
				return Message{Op: h.op, Payload: payload}, true, nil
			}
			p.fragOp = h.op
			p.frag = append(make([]byte, 0, max(len(payload), 64)), payload...)
		case OpContinuation:
			if p.fragOp == 0 {
				return p.fail(protocolError("a continuation frame without a message to continue"))
			}
			p.frag = append(p.frag, payload...)
			if h.fin {
				m := Message{Op: p.fragOp, Payload: p.frag}
				p.frag, p.fragOp = nil, 0
				return m, true, nil
			}
		}
	}
}

func (p *Parser) fail(err error) (Message, bool, error) {
	p.err = err
	p.in, p.own, p.frag = nil, nil, nil
	return Message{}, false, err
}

// closeMessage checks a close frame's payload: empty, or a code a peer
// may send and a UTF-8 reason.
func closeMessage(payload []byte) (Message, error) {
	m := Message{Op: OpClose, Payload: payload, Code: CloseNoStatus}
	switch {
	case len(payload) == 0:
		return m, nil
	case len(payload) == 1:
		return m, protocolError("close frame with a one-byte payload")
	}
	m.Code = binary.BigEndian.Uint16(payload)
	if !validCloseCode(m.Code) {
		return m, protocolError("close code %d may not be sent", m.Code)
	}
	if !utf8.Valid(payload[2:]) {
		return m, &CloseError{Code: CloseInvalidData, Reason: "close reason is not UTF-8"}
	}
	return m, nil
}

// validCloseCode reports whether a peer may send code in a close frame:
// the codes RFC 6455 and the IANA registry define for the wire (1000-1003,
// 1007-1014: 1012 to 1014 were registered after the RFC, and this server
// sends 1013 itself) and the ranges for libraries and applications.
func validCloseCode(code uint16) bool {
	switch {
	case code >= 1000 && code <= 1003, code >= 1007 && code <= 1014:
		return true
	case code >= 3000 && code <= 4999:
		return true
	}
	return false
}
