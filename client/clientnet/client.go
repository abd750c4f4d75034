package clientnet

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/skirmishgg/skirmish/protocol"
)

// Client is a game session on top of Conn: it dials, reads, pings and
// reconnects by itself, keeping the seat across drops, and turns the
// snapshots into what a game draws every frame: remote entities
// interpolated at render time (Sample, RenderTick), the player predicted
// ahead of the server (Self), and network figures (HUD, Graph).
//
// When the connection drops it dials again after a jittered exponential
// backoff, sending the resume token of its last Welcome, so the server
// gives back the held seat (same player, same match). A resumed connection
// starts from a full snapshot; the Client restarts the interpolation and
// prediction on it. Final closes (1000 after a MatchEnd, policy and
// protocol errors, a resume refused once the seat is gone) end the
// session instead; so do Close and the context given to Open.
//
// Every method is safe for concurrent use. State changes are reported
// through ClientOptions.OnState and State.
type Client struct {
	url  string
	o    ClientOptions
	now  func() time.Time
	hud  *hudMeter
	wg   sync.WaitGroup
	done chan struct{}

	predLogErr error // writing ClientOptions.PredictionLog; guarded by mu

	ctx    context.Context // the session's; cancelled by Close
	cancel context.CancelFunc

	sendMu  sync.Mutex // Client sends, so byte counts are per send
	stateMu sync.Mutex // orders state changes and their reports
	stalled atomic.Bool

	mu          sync.Mutex
	state       StateChange
	conn        *Conn // nil while not connected
	gen         uint64
	welcome     protocol.Welcome
	haveWelcome bool
	closing     bool
	clock       *Clock        // from the first Welcome on
	interp      *Interpolator // from the first Welcome on
	pred        *Predictor    // from the first Welcome on, with ClientOptions.Game
	connects    int
	skipped     uint64         // skipped ticks of the connections gone
	ticksPer    uint32         // ticks per snapshot, rounded up
	lastIn      protocol.Input // the last input sent on this connection
	lastInAt    time.Time      // when; zero: none yet
}

// Open starts a session with the server at url (for example
// ws://localhost:8080/ws) and returns at once: the Client dials in the
// background (StateConnecting, then StateConnected) and keeps the
// session up until Close, a final close from the server, or ctx being
// done. Cancelling ctx drops the connection without a goodbye, so the
// server holds the seat for its grace period; Close says goodbye.
func Open(ctx context.Context, url string, opts *ClientOptions) *Client {
	o := opts.withDefaults()
	c := &Client{
		url:  url,
		o:    o,
		now:  o.Dial.Now,
		hud:  newHUDMeter(o.GraphLen),
		done: make(chan struct{}),
	}
	c.ctx, c.cancel = context.WithCancel(ctx)
	c.state = StateChange{State: StateConnecting, At: c.now()}
	c.wg.Add(1)
	go c.run()
	return c
}

// Close ends the session: it closes the connection with a normal close
// (the server frees the seat; this waits a few seconds at most for the
// server's answer), stops every goroutine of the Client and waits for
// them. The final state is StateClosed with ErrClientClosed. Closing a
// closed Client does nothing.
func (c *Client) Close() error {
	c.mu.Lock()
	c.closing = true
	conn := c.conn
	c.mu.Unlock()
	if conn != nil {
		conn.Close()
	}
	c.cancel()
	c.wg.Wait()
	return nil
}

// Done is closed when the session has ended for good.
func (c *Client) Done() <-chan struct{} { return c.done }

// Err is why the session ended (see StateChange.Err), nil while it runs.
func (c *Client) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.state.State != StateClosed {
		return nil
	}
	return c.state.Err
}

// State is the newest state change.
func (c *Client) State() StateChange {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

// Welcome is the newest connection's Welcome; ok is false before the
// first. Its Kinds must not be modified.
func (c *Client) Welcome() (w protocol.Welcome, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.welcome, c.haveWelcome
}

// Player is the player's ID (0 before the first connection).
func (c *Client) Player() uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.welcome.Player
}

// SendInput sends in as the player's current command on the current
// connection and, with prediction on, feeds it to the Predictor. Unless
// in.View is set, it reports the tick the Interpolator drew the others at
// (Interpolator.ViewTick), so that the server judges the player's shots
// where its screen showed the others (lag compensation). It
// returns the input's sequence number on that connection, or
// ErrNotConnected between connections (the input is then dropped: the
// server keeps applying the last one it got until the seat resumes). As
// with Conn.SendInput, ctx being done during the write closes the
// connection, which the Client then replaces.
func (c *Client) SendInput(ctx context.Context, in protocol.Input) (uint32, error) {
	c.sendMu.Lock()
	defer c.sendMu.Unlock()
	return c.sendInput(ctx, in, nil)
}

// sendInput sends in on the current connection (only if it is want, when
// want is set) and records it. c.sendMu held, so a keep-alive never
// overtakes the game's newest input.
func (c *Client) sendInput(ctx context.Context, in protocol.Input, want *Conn) (uint32, error) {
	c.mu.Lock()
	conn, gen := c.conn, c.gen
	c.mu.Unlock()
	if conn == nil || (want != nil && conn != want) {
		return 0, ErrNotConnected
	}
	if c.stalled.Load() {
		// Held back rather than queued behind a stalled network: the
		// server gets the current input once snapshots flow again.
		return 0, ErrStalled
	}
	out := in // lastIn keeps the caller's: a keep-alive takes a fresh view
	if out.View == 0 {
		if _, ip, _ := c.parts(); ip != nil {
			out.View = ip.ViewTick(c.now())
		}
	}
	before := conn.stats.bytesOut.Load()
	seq, err := conn.SendInput(ctx, out)
	now := c.now()
	c.hud.sent(now, conn.stats.bytesOut.Load()-before)
	if err != nil {
		return seq, err
	}
	c.mu.Lock()
	if c.gen == gen {
		c.lastIn, c.lastInAt = in, now
		if c.pred != nil {
			c.pred.Sent(seq, in, now)
		}
	}
	c.mu.Unlock()
	return seq, nil
}

// Ping sends a Ping on the current connection now (the Client also pings
// every PingInterval by itself).
func (c *Client) Ping(ctx context.Context) error {
	c.mu.Lock()
	conn := c.conn
	c.mu.Unlock()
	if conn == nil {
		return ErrNotConnected
	}
	if c.stalled.Load() {
		return ErrStalled // a pong after the stall would measure the stall
	}
	c.sendMu.Lock()
	defer c.sendMu.Unlock()
	before := conn.stats.bytesOut.Load()
	err := conn.Ping(ctx)
	c.hud.sent(c.now(), conn.stats.bytesOut.Load()-before)
	return err
}

// parts returns the estimators, nil before the first Welcome.
func (c *Client) parts() (*Clock, *Interpolator, *Predictor) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.clock, c.interp, c.pred
}

// Sample appends the entities as drawn at local time now, interpolated at
// render time, to dst[:0] (see Interpolator.Sample). The player's own
// entity is among them, a little in the past like the others: with
// prediction on, draw it from Self instead.
func (c *Client) Sample(now time.Time, dst []Sampled) []Sampled {
	if _, ip, _ := c.parts(); ip != nil {
		return ip.Sample(now, dst)
	}
	return dst[:0]
}

// RenderTick is the render time at local time now, in fractional ticks:
// draw objects computed from their spawn fields (bullets) at it. 0 before
// the first snapshot.
func (c *Client) RenderTick(now time.Time) float64 {
	if _, ip, _ := c.parts(); ip != nil {
		return ip.RenderTick(now)
	}
	return 0
}

// Self returns the player as drawn at local time now by the Predictor:
// ahead of the server by the inputs in flight, corrections smoothed. ok is
// false without prediction (ClientOptions.Game) or before the first
// snapshot with the player.
func (c *Client) Self(now time.Time) (Sampled, bool) {
	if _, _, p := c.parts(); p != nil {
		return p.Sample(now)
	}
	return Sampled{}, false
}

// Clock is the session's Clock (nil before the first Welcome).
func (c *Client) Clock() *Clock {
	clock, _, _ := c.parts()
	return clock
}

// Interpolator is the session's Interpolator (nil before the first
// Welcome). It lives as long as the Client, restarted on each connection.
func (c *Client) Interpolator() *Interpolator {
	_, ip, _ := c.parts()
	return ip
}

// Predictor is the session's Predictor (nil without prediction or before
// the first Welcome). It lives as long as the Client, restarted on each
// connection.
func (c *Client) Predictor() *Predictor {
	_, _, p := c.parts()
	return p
}

// PredictionErrors returns the prediction error figures of the session
// (zero without prediction). It sorts the error window: call it now and
// then rather than every frame.
func (c *Client) PredictionErrors() PredictionErrors {
	if _, _, p := c.parts(); p != nil {
		return p.Errors()
	}
	return PredictionErrors{}
}

// HUD returns the network figures at local time now and records them as
// one frame of the network graph: call it once per rendered frame.
func (c *Client) HUD(now time.Time) HUD {
	c.mu.Lock()
	h := HUD{State: c.state.State, Reconnects: max(c.connects-1, 0), Stalled: c.stalled.Load()}
	clock, ip, pred, conn := c.clock, c.interp, c.pred, c.conn
	skipped, per := c.skipped, c.ticksPer
	c.mu.Unlock()
	if conn != nil {
		skipped += conn.stats.skippedTicks.Load()
	}
	if per > 0 {
		h.SkippedSnapshots = skipped / uint64(per)
	}
	if clock != nil {
		h.Ping, h.RTT, h.RTTVar, h.Jitter = clock.MinRTT(), clock.RTT(), clock.RTTVar(), clock.Jitter()
	}
	if ip != nil {
		h.Delay, h.TargetDelay, h.Extrapolating = ip.Delay(now), ip.TargetDelay(), ip.Extrapolating()
	}
	if pred != nil {
		h.PredictionError = pred.LastError()
	}
	c.hud.frame(now, &h)
	return h
}

// Graph appends the network graph's frames, oldest first, to dst[:0].
func (c *Client) Graph(dst []GraphSample) []GraphSample {
	return c.hud.samples(dst)
}
