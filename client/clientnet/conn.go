package clientnet

import (
	"errors"
	"fmt"
	"net"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/protocol"
)

// Conn is a connection to a Skirmish server past the handshake. See the
// package documentation for which goroutine may call what.
type Conn struct {
	ws      socket
	welcome protocol.Welcome
	now     func() time.Time
	epoch   time.Time // times are kept as durations since then
	onRTT   func(seq uint32, rtt time.Duration)
	abort   func() // closes the connection at once; for context watches
	// spectateDelay is how far behind the match a spectator's snapshots
	// run; 0 for a player (DialOptions.Spectate).
	spectateDelay time.Duration

	// Reader-owned: touched only by the goroutine calling Next.
	rbuf     []byte
	rerr     error         // sticky: once Next fails, it keeps failing
	bye      *protocol.Bye // the server's last word, once it came
	rwatch   ctxWatch
	replica  Replica
	snap     protocol.Snapshot
	gaps     gapTracker
	event    protocol.Event
	join     protocol.Join
	leave    protocol.Leave
	pong     protocol.Pong
	pongAt   time.Duration // since epoch: when the last Pong was read off the socket
	matchEnd protocol.MatchEnd
	ended    bool // a MatchEnd was received
	rttFn    func(seq uint32, rtt time.Duration)

	// Sender state, guarded by wmu.
	wmu    sync.Mutex
	wbuf   []byte
	seq    uint32
	wwatch ctxWatch

	ack    atomic.Uint32 // newest applied snapshot tick; written by the reader
	snapAt atomic.Int64  // since epoch, of the newest snapshot's arrival; 0: none yet
	closed atomic.Bool   // Close, CloseNow or abandon was called, or the reader failed: nothing more is written
	rtt    rttRing
	stats  stats
}

func newConn(ws socket, o *DialOptions, welcome protocol.Welcome, rbuf []byte) *Conn {
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

// Player is this client's player ID (and its entity's ID); 0 for a
// spectator.
func (c *Conn) Player() uint32 { return c.welcome.Player }

// Spectating reports whether the connection watches its match rather than
// playing (DialOptions.Spectate), and how far behind the match its
// snapshots run.
func (c *Conn) Spectating() (delay time.Duration, ok bool) {
	return c.spectateDelay, c.welcome.Player == 0
}

// Stats returns the connection's figures so far. Any goroutine.
func (c *Conn) Stats() Stats { return c.stats.snapshot() }

// Close ends the connection with a normal close handshake (status 1000),
// which waits a few seconds at most for the server, and releases
// everything the Conn holds; it unblocks Next and SendInput. Closing a
// closed connection returns nil. Any goroutine.
func (c *Conn) Close() error {
	c.closed.Store(true)
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
	c.closed.Store(true)
	c.rwatch.release()
	c.wwatch.release()
	err := c.ws.CloseNow()
	if err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("clientnet: close: %w", err)
	}
	return nil
}

// CloseStalled is the close status a client sends when it gives up on a
// stalled connection to resume its seat on a new one. It is not 1000 or
// 1001, so the server holds the seat for its grace period as after a
// dropped connection (see docs/PROTOCOL.md, "Connection flow", step 7).
const CloseStalled = 4100

// abandon gives up on a stalled connection without waiting for it: from
// now on nothing is written on it, and it is closed in the background
// (natively at once; in a browser with close status CloseStalled, since a
// page cannot drop a WebSocket without a close handshake, and waiting for
// one on a stalled network can take a long time). Any goroutine.
func (c *Conn) abandon() {
	if c.closed.Swap(true) {
		return
	}
	c.wwatch.release()
	if runtime.GOOS == "js" {
		go c.ws.Close(CloseStalled, "stalled: resuming on a new connection")
		return
	}
	c.ws.CloseNow()
}

// Closed reports whether the connection was closed (by Close, CloseNow,
// the server or a failed read): nothing more can be sent on it. Any
// goroutine.
func (c *Conn) Closed() bool { return c.closed.Load() }
