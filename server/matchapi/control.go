package matchapi

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"time"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/netlimit"
)

// controlGrace is how long a queue connection over its control budget
// has to take its close frame before it is dropped.
const controlGrace = time.Second

// controlBudget charges a queue connection's ping and pong frames, which
// the WebSocket library reads and answers inside Read, to a read budget;
// past it the connection is closed with 1008.
type controlBudget struct {
	budget  *netlimit.ReadBudget
	conn    *websocket.Conn // set before the first read
	netConn net.Conn        // conn's network connection
	over    time.Time
}

func (c *controlBudget) ping(_ context.Context, payload []byte) bool { return c.spend(len(payload)) }

func (c *controlBudget) pong(_ context.Context, payload []byte) { c.spend(len(payload)) }

func (c *controlBudget) spend(n int) bool {
	now := time.Now()
	if c.budget.Spend(now, n) {
		return true
	}
	switch {
	case c.conn == nil:
	case c.over.IsZero():
		c.over = now
		// Not on the reader: the close handshake waits for reads.
		go c.conn.Close(protocol.ClosePolicyViolation, "control frame limit exceeded (pings or pongs)")
	case now.Sub(c.over) > controlGrace && c.netConn != nil:
		// Under the library: its own close waits for the handshake.
		c.netConn.Close()
	}
	return false
}

// keepHijacked keeps the network connection the WebSocket library takes
// from net/http, so that a flooder can be dropped under the library.
type keepHijacked struct {
	http.ResponseWriter
	conn net.Conn
}

func (k *keepHijacked) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, brw, err := http.NewResponseController(k.ResponseWriter).Hijack()
	k.conn = c
	return c, brw, err
}

// Unwrap lets http.ResponseController reach the original writer.
func (k *keepHijacked) Unwrap() http.ResponseWriter { return k.ResponseWriter }
