package clientnet

import (
	"context"
	"fmt"
	"net"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/protocol"
)

// SendInput sends in as the client's current command and returns the
// sequence number it was given. It sets in.Seq (one more than the previous
// input's, starting at 1) and in.Ack (the tick of the newest snapshot
// applied) itself, and notes the send time for the input→ack round trip.
// in.View, the tick the caller drew the others at (0: none), is sent no
// newer than in.Ack: a client that extrapolates past its newest snapshot
// saw nothing the server sent later.
//
// When ctx is done while the write waits, the connection is closed, as in
// Next. Calling SendInput with the same context every time keeps it
// allocation-free.
func (c *Conn) SendInput(ctx context.Context, in protocol.Input) (uint32, error) {
	if c.welcome.Player == 0 {
		return 0, ErrSpectator
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.seq++
	in.Seq = c.seq
	in.Ack = c.ack.Load()
	in.View = min(in.View, in.Ack)
	c.wbuf = in.Append(c.wbuf[:0])
	c.rtt.sent(in.Seq, c.since())
	if err := c.write(ctx); err != nil {
		return in.Seq, fmt.Errorf("clientnet: send input %d: %w", in.Seq, err)
	}
	c.stats.inputs.Add(1)
	return in.Seq, nil
}

// Ping sends a Ping stamped with the connection's clock; the matching Pong,
// read by Next, sets Stats.PingRTT.
func (c *Conn) Ping(ctx context.Context) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	p := protocol.Ping{ClientTime: uint64(c.since().Microseconds())}
	c.wbuf = p.Append(c.wbuf[:0])
	if err := c.write(ctx); err != nil {
		return fmt.Errorf("clientnet: send ping: %w", err)
	}
	c.stats.pings.Add(1)
	return nil
}

// write sends wbuf as one binary message. wmu held.
func (c *Conn) write(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if c.closed.Load() {
		// Never hand a closing socket a message: a browser logs every
		// send on a WebSocket in the CLOSING or CLOSED state.
		return net.ErrClosed
	}
	c.wwatch.begin(ctx, c.abort)
	err := c.ws.Write(context.Background(), websocket.MessageBinary, c.wbuf)
	c.wwatch.end()
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		return err
	}
	c.stats.bytesOut.Add(uint64(len(c.wbuf)))
	return nil
}
