package clientnet

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/protocol"
)

// Next reads the next server message and handles it: a snapshot is applied
// to the replica (and acknowledges inputs), any other message is decoded
// into the accessor for its type (Event, Join, Leave, Pong, MatchEnd). It
// returns the message's type.
//
// When ctx is done while Next waits, the connection is closed (the
// WebSocket library behaves the same way) and Next returns ctx's error.
// Calling Next with the same context every time keeps it allocation-free.
//
// Any error is final: the connection is closed (a message from the server
// that does not decode or apply is answered with the matching close status)
// and Next keeps returning the same error. When the server closed the connection the error wraps its
// websocket.CloseError: after a MatchEnd, status 1000 "match over" is the
// normal end of a match (the player joins again with a new Dial).
func (c *Conn) Next(ctx context.Context) (protocol.MsgType, error) {
	if c.rerr != nil {
		return 0, c.rerr
	}
	if err := ctx.Err(); err != nil {
		c.ws.CloseNow()
		return 0, c.fail(fmt.Errorf("clientnet: read: %w", err))
	}
	c.rwatch.begin(ctx, c.abort)
	buf, err := readMessage(context.Background(), c.ws, c.rbuf)
	at := c.since() // as close to the socket as Go gets...
	if st, ok := c.ws.(stampedSocket); ok && err == nil {
		at = max(at-st.receivedAgo(), 0) // ...or as the socket saw it come in
	}
	c.rwatch.end()
	c.rbuf = buf
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			err = cerr
		} else if c.bye != nil {
			// The server said why before it closed: a browser's socket
			// may not tell.
			err = byeError(*c.bye, err)
		}
		return 0, c.fail(fmt.Errorf("clientnet: read: %w", err))
	}
	c.stats.messages.Add(1)
	c.stats.bytes.Add(uint64(len(buf)))

	typ, err := protocol.PeekType(buf)
	if err == nil {
		err = c.handle(typ, buf, at)
	}
	if err != nil {
		code := websocket.StatusCode(protocol.CloseInvalidPayload)
		switch {
		case errors.Is(err, ErrUnexpected):
			code = protocol.CloseUnexpected
		case errors.Is(err, protocol.ErrUnknownType):
			code = protocol.CloseUnknownType
		}
		c.ws.Close(code, "bad message from the server")
		return typ, c.fail(err)
	}
	return typ, nil
}

// fail records err as the reader's final error and returns it.
func (c *Conn) fail(err error) error {
	c.closed.Store(true)
	c.rerr = err
	return err
}

// handle decodes one message of type typ.
func (c *Conn) handle(typ protocol.MsgType, buf []byte, at time.Duration) error {
	var err error
	switch typ {
	case protocol.MsgSnapshot:
		return c.handleSnapshot(buf, at)
	case protocol.MsgEvent:
		err = c.event.Decode(buf)
	case protocol.MsgJoin:
		err = c.join.Decode(buf)
	case protocol.MsgLeave:
		err = c.leave.Decode(buf)
	case protocol.MsgMatchEnd:
		if err = c.matchEnd.Decode(buf); err == nil {
			c.ended = true
		}
	case protocol.MsgBye:
		var bye protocol.Bye
		if err = bye.Decode(buf); err == nil {
			c.bye = &bye
		}
	case protocol.MsgPong:
		if err = c.pong.Decode(buf); err == nil {
			sent := time.Duration(c.pong.ClientTime) * time.Microsecond
			c.pongAt = at
			c.stats.pingRTT.Store(int64(max(at-sent, 0)))
		}
	default:
		return fmt.Errorf("%w: message type %d after the handshake", ErrUnexpected, typ)
	}
	if err != nil {
		return fmt.Errorf("clientnet: decode message type %d: %w", typ, err)
	}
	return nil
}

// handleSnapshot decodes and applies a snapshot that arrived at at, then
// updates the gap and round-trip figures.
func (c *Conn) handleSnapshot(buf []byte, at time.Duration) error {
	if err := c.snap.Decode(buf); err != nil {
		return fmt.Errorf("clientnet: decode snapshot: %w", err)
	}
	if err := c.replica.Apply(&c.snap); err != nil {
		return err
	}
	c.ack.Store(c.snap.Tick)
	c.snapAt.Store(int64(max(c.since(), 1)))
	c.stats.snapshots.Add(1)
	if skipped := c.gaps.observe(c.snap.Tick); skipped > 0 {
		c.stats.gaps.Add(1)
		c.stats.skippedTicks.Add(uint64(skipped))
	}
	c.rtt.ack(c.snap.LastSeq, at, c.rttFn)
	return nil
}

// recordRTT takes one input→ack sample.
func (c *Conn) recordRTT(seq uint32, rtt time.Duration) {
	c.stats.addRTT(rtt)
	if c.onRTT != nil {
		c.onRTT(seq, rtt)
	}
}

// Replica is the view kept from the snapshots. Reader only.
func (c *Conn) Replica() *Replica { return &c.replica }

// View returns the current view: its tick and entities, sorted by ID and
// valid until the second snapshot after this call. Reader only.
func (c *Conn) View() (tick uint32, entities []protocol.Entity) { return c.replica.View() }

// Snapshot is the last snapshot decoded, as received (its Changed and
// Removed lists tell what the newest Apply changed). Valid until the next
// Next. Reader only.
func (c *Conn) Snapshot() *protocol.Snapshot { return &c.snap }

// Event is the last Event received. Reader only.
func (c *Conn) Event() protocol.Event { return c.event }

// Join is the last Join received. Reader only.
func (c *Conn) Join() protocol.Join { return c.join }

// Leave is the last Leave received. Reader only.
func (c *Conn) Leave() protocol.Leave { return c.leave }

// Pong is the last Pong received. Reader only.
func (c *Conn) Pong() protocol.Pong { return c.pong }

// PongAt is the local time the last Pong was read off the socket. Reader
// only.
func (c *Conn) PongAt() time.Time { return c.epoch.Add(c.pongAt) }

// MatchEnd is the match's end, once received (ok false before). Its Results
// must not be modified. Reader only.
func (c *Conn) MatchEnd() (end protocol.MatchEnd, ok bool) { return c.matchEnd, c.ended }
