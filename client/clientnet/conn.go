package clientnet

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/protocol"
)

// Conn is a connection to a Skirmish server past the handshake. See the
// package documentation for which goroutine may call what.
type Conn struct {
	ws      *websocket.Conn
	welcome protocol.Welcome
	now     func() time.Time
	epoch   time.Time // times are kept as durations since then
	onRTT   func(seq uint32, rtt time.Duration)
	abort   func() // closes the connection at once; for context watches

	// Reader-owned: touched only by the goroutine calling Next.
	rbuf     []byte
	rerr     error // sticky: once Next fails, it keeps failing
	rwatch   ctxWatch
	replica  Replica
	snap     protocol.Snapshot
	gaps     gapTracker
	event    protocol.Event
	join     protocol.Join
	leave    protocol.Leave
	pong     protocol.Pong
	matchEnd protocol.MatchEnd
	ended    bool // a MatchEnd was received
	rttFn    func(seq uint32, rtt time.Duration)

	// Sender state, guarded by wmu.
	wmu    sync.Mutex
	wbuf   []byte
	seq    uint32
	wwatch ctxWatch

	ack   atomic.Uint32 // newest applied snapshot tick; written by the reader
	rtt   rttRing
	stats stats
}

func newConn(ws *websocket.Conn, o *DialOptions, welcome protocol.Welcome, rbuf []byte) *Conn {
	c := &Conn{
		ws:      ws,
		welcome: welcome,
		now:     o.Now,
		epoch:   o.Now(),
		onRTT:   o.OnRTT,
		rbuf:    rbuf,
		gaps:    newGapTracker(welcome.TickRate, welcome.SnapshotRate),
	}
	c.abort = func() { c.ws.CloseNow() }
	c.rttFn = c.recordRTT
	return c
}

// since is the connection's clock: time elapsed since it was set up.
func (c *Conn) since() time.Duration { return c.now().Sub(c.epoch) }

// Welcome returns the server's Welcome: who this client is and how to read
// snapshots. Its Kinds must not be modified.
func (c *Conn) Welcome() protocol.Welcome { return c.welcome }

// Player is this client's player ID (and its entity's ID).
func (c *Conn) Player() uint32 { return c.welcome.Player }

// Stats returns the connection's figures so far. Any goroutine.
func (c *Conn) Stats() Stats { return c.stats.snapshot() }

// Close ends the connection with a normal close handshake (status 1000),
// which waits a few seconds at most for the server, and releases
// everything the Conn holds; it unblocks Next and SendInput. Closing a
// closed connection returns nil. Any goroutine.
func (c *Conn) Close() error {
	c.rwatch.release()
	c.wwatch.release()
	err := c.ws.Close(websocket.StatusNormalClosure, "")
	if err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("clientnet: close: %w", err)
	}
	return nil
}

// CloseNow ends the connection at once, without a close handshake. Any
// goroutine.
func (c *Conn) CloseNow() error {
	c.rwatch.release()
	c.wwatch.release()
	err := c.ws.CloseNow()
	if err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("clientnet: close: %w", err)
	}
	return nil
}
