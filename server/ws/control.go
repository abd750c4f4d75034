package ws

import (
	"time"

	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/clock"
	"github.com/skirmishgg/skirmish/server/netlimit"
)

// controlGrace is how long a client over its control budget has to take
// its close frame before its connection is dropped: it may go on
// flooding, and the close handshake would wait for it.
const controlGrace = time.Second

// controlBudget charges the ping and pong frames of one connection, which
// the reader handles inside the session's reads, to a read budget; past
// it, the session is closed with 1008. Reader only.
type controlBudget struct {
	budget *netlimit.ReadBudget
	clock  clock.Clock
	s      *session // set before the first read
	over   time.Time
}

// spend charges a control frame of n payload bytes; false past the budget.
func (c *controlBudget) spend(n int) bool {
	now := c.clock.Now()
	if c.budget.Spend(now, n) {
		return true
	}
	switch {
	case c.s == nil:
	case c.over.IsZero():
		c.over = now
		c.s.close(protocol.ClosePolicyViolation, "control frame limit exceeded (pings or pongs)", handshakeNow)
	case now.Sub(c.over) > controlGrace:
		c.s.end()
	}
	return false
}
