package clientnet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/protocol"
)

// run is the Client's goroutine: dial, serve, and on a drop wait and dial
// again, until the session ends.
func (c *Client) run() {
	defer c.wg.Done()
	defer close(c.done)
	defer func() {
		err := c.writePredictionLog()
		c.mu.Lock()
		c.predLogErr = err
		c.mu.Unlock()
	}()
	c.emit(c.State())
	var (
		resume  = c.o.Dial.Resume // token of the seat held (or assigned)
		dropped time.Time         // when the last connection dropped (or stalled)
		attempt int               // waits since the last connection: the backoff step
		failed  int               // failed dials in a row
	)
	for {
		dial := c.o.Dial
		dial.Resume = resume
		conn, err := Dial(c.ctx, c.url, &dial)
		if err == nil {
			attempt, failed = 0, 0
			c.drainRetry() // an online event before this connection is old news
			resume = conn.Welcome().Resume
			dropped, err = c.serve(conn)
			if c.stopping() {
				c.finish(c.stopReason(err))
				return
			}
			if code := websocket.CloseStatus(err); code != -1 && finalClose(code) {
				c.finish(err)
				return
			}
		} else {
			failed++
			if c.stopping() {
				c.finish(c.stopReason(err))
				return
			}
			switch {
			case resume != "" && seatRefused(err):
				if websocket.CloseStatus(err) == protocol.CloseBadResume && c.now().Sub(dropped) < c.o.ResumeRetry {
					break // told to retry: the server may not have seen the drop yet
				}
				if !c.o.NewSeat {
					c.finish(fmt.Errorf("%w: %w", ErrSeatLost, err))
					return
				}
				resume = "" // join again as someone new
			case finalDialError(err):
				c.finish(err)
				return
			}
		}
		if c.o.MaxAttempts > 0 && failed >= c.o.MaxAttempts {
			c.finish(fmt.Errorf("%w after %d failed dials: %w", ErrGaveUp, failed, err))
			return
		}
		if c.o.GiveUpAfter > 0 && !dropped.IsZero() && c.now().Sub(dropped) >= c.o.GiveUpAfter {
			c.finish(fmt.Errorf("%w after %v without a connection: %w", ErrGaveUp, c.o.GiveUpAfter, err))
			return
		}
		attempt++
		wait := fullJitter(c.o.Rand, backoffCap(attempt, c.o.BackoffMin, c.o.BackoffMax))
		c.setState(StateChange{State: StateReconnecting, Attempt: attempt, Delay: wait, Err: err, Since: dropped})
		if serr := c.backoff(wait); serr != nil || c.stopping() {
			c.finish(c.stopReason(serr))
			return
		}
	}
}

// backoff waits d before a reconnection, or less when ClientOptions.Retry
// says the network is back. It returns the session context's error when
// that ends the wait.
func (c *Client) backoff(d time.Duration) error {
	if c.o.Retry == nil {
		return c.o.Sleep(c.ctx, d)
	}
	ctx, cancel := context.WithCancel(c.ctx)
	defer cancel()
	woken := make(chan struct{})
	go func() {
		select {
		case <-c.o.Retry:
			close(woken)
			cancel()
		case <-ctx.Done():
		}
	}()
	err := c.o.Sleep(ctx, d)
	select {
	case <-woken:
		if c.ctx.Err() == nil {
			slog.Info("clientnet: the network is back: reconnecting at once", "backoff", d.Round(time.Millisecond))
			return nil
		}
	default:
	}
	return err
}

// drainRetry forgets a pending ClientOptions.Retry signal.
func (c *Client) drainRetry() {
	select {
	case <-c.o.Retry:
	default:
	}
}

// stopping reports whether Close was called or the session's context is
// done.
func (c *Client) stopping() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closing || c.ctx.Err() != nil
}

// stopReason is the reason of a session stopped by Close or its context.
func (c *Client) stopReason(err error) error {
	c.mu.Lock()
	closing := c.closing
	c.mu.Unlock()
	if closing {
		return ErrClientClosed
	}
	if cerr := c.ctx.Err(); cerr != nil {
		return cerr
	}
	return err
}

// serve runs one connection until it ends: a goroutine reads while
// others ping and watch for a stall. It returns the reader's error, or
// ErrStalled when the Client gave up on a stalled connection (then without
// waiting for the reader, which a stalled network can hold for long), and
// when the connection was lost: when it ended, or when it stalled.
func (c *Client) serve(conn *Conn) (time.Time, error) {
	ip, pred, ok := c.install(conn)
	if !ok { // Close came during the dial: say goodbye at once
		conn.Close()
		return c.now(), ErrClientClosed
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	abandon := make(chan time.Time, 1)
	if c.o.PingInterval > 0 || c.o.KeepAlive > 0 {
		wg.Go(func() { c.heartbeat(conn, stop) })
	}
	if c.o.StallAfter > 0 {
		wg.Go(func() { c.watch(conn, stop, abandon) })
	}
	readErr := make(chan error, 1)
	c.wg.Go(func() { readErr <- c.read(conn, ip, pred) })
	var (
		err  error
		lost time.Time
	)
	select {
	case err = <-readErr:
		lost = c.now()
		conn.CloseNow()
	case lost = <-abandon:
		err = ErrStalled
		slog.Info("clientnet: no snapshot for too long: resuming the seat on a new connection",
			"silence", c.now().Sub(lost).Round(time.Millisecond), "match", conn.Welcome().Match)
		conn.abandon()
	}
	close(stop)
	wg.Wait()
	c.uninstall(conn)
	return lost, err
}

// watch reports the connection stalled when no snapshot came for
// StallAfter, and sends on abandon the last snapshot's time when the
// silence reaches StallReconnect. It starts counting at the first
// snapshot.
func (c *Client) watch(conn *Conn, stop <-chan struct{}, abandon chan<- time.Time) {
	t := time.NewTicker(min(c.o.StallAfter/5, 100*time.Millisecond))
	defer t.Stop()
	// A silence counts once two ticks in a row see it: a browser page
	// whose thread was busy drawing wakes this watch and its socket's
	// waiting messages in no set order, and those messages end the
	// silence before the next tick.
	silent := false
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		at := conn.snapAt.Load()
		if at == 0 {
			continue
		}
		last := conn.epoch.Add(time.Duration(at))
		silence := c.now().Sub(last)
		if silence >= c.o.StallAfter {
			if silent {
				c.setStalled(conn, true, last)
			}
			silent = true
		} else {
			silent = false
		}
		if c.o.StallReconnect > 0 && silence >= c.o.StallReconnect {
			abandon <- last
			return
		}
	}
}

// setStalled records that conn stalled (or recovered) and reports it.
func (c *Client) setStalled(conn *Conn, on bool, last time.Time) {
	c.stateMu.Lock()
	defer c.stateMu.Unlock()
	c.mu.Lock()
	if c.conn != conn || c.stalled.Load() == on {
		c.mu.Unlock()
		return
	}
	c.stalled.Store(on)
	ip, pred := c.interp, c.pred
	s := StateChange{State: StateStalled, At: c.now(), Since: last, Player: c.welcome.Player, Match: c.welcome.Match}
	if !on {
		s = StateChange{State: StateConnected, At: s.At, Player: s.Player, Match: s.Match, Recovered: true}
	}
	c.state = s
	c.mu.Unlock()
	if ip != nil {
		ip.SetHold(on)
	}
	_ = pred // the Predictor bounds itself (PredictorOptions.MaxAhead)
	if on {
		slog.Info("clientnet: connection stalled", "since", last, "match", s.Match)
	} else {
		slog.Info("clientnet: connection recovered", "match", s.Match)
	}
	c.emit(s)
}

// install makes conn the current connection and restarts the estimators
// on it. ok is false when the Client is closing.
func (c *Client) install(conn *Conn) (*Interpolator, *Predictor, bool) {
	w := conn.Welcome()
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return nil, nil, false
	}
	resumed := c.haveWelcome && w.Match == c.welcome.Match && w.Player == c.welcome.Player
	switch {
	case c.clock == nil || c.clock.TickRate() != NewClock(int(w.TickRate), 0, nil).TickRate():
		c.clock = NewClock(int(w.TickRate), int(w.SnapshotRate), c.o.Clock)
		c.interp = NewInterpolator(&w, c.clock, c.o.Interp)
		if c.o.Game != nil {
			c.pred = NewPredictor(c.o.Game, &w, c.clock, c.o.Predict)
		}
	default:
		if !resumed {
			c.clock.Forget() // another match: its ticks start over
		}
		c.interp.restart(&w)
		if c.pred != nil {
			c.pred.Reset(&w)
		}
	}
	c.conn, c.welcome, c.haveWelcome = conn, w, true
	c.lastIn, c.lastInAt = protocol.Input{}, c.now()
	c.gen++
	c.connects++
	c.ticksPer = conn.gaps.interval
	ip, pred := c.interp, c.pred
	c.mu.Unlock()
	c.setState(StateChange{State: StateConnected, Player: w.Player, Match: w.Match, Resumed: resumed})
	return ip, pred, true
}

// uninstall forgets conn as the current connection, keeping its figures.
func (c *Client) uninstall(conn *Conn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.conn == conn {
		c.conn = nil
		c.gen++
		if c.stalled.Swap(false) && c.interp != nil {
			c.interp.SetHold(false)
		}
	}
	c.skipped += conn.stats.skippedTicks.Load()
}

// read handles the connection's messages until it fails.
func (c *Client) read(conn *Conn, ip *Interpolator, pred *Predictor) error {
	var seen uint64
	for {
		typ, err := conn.Next(c.ctx)
		if err != nil {
			return err
		}
		if conn.Closed() {
			continue // given up on, or closing: only its end matters now
		}
		now := c.now()
		total := conn.stats.bytes.Load()
		c.hud.received(now, total-seen)
		seen = total
		switch typ {
		case protocol.MsgSnapshot:
			if c.stalled.Load() {
				c.setStalled(conn, false, time.Time{})
			}
			tick, view := conn.View()
			ip.Push(tick, view, now)
			c.hud.snapshot(now)
			if pred != nil {
				pred.Reconcile(tick, conn.snap.LastSeq, conn.replica.Find(conn.Player()), now)
			}
		case protocol.MsgPong:
			pong := conn.Pong()
			sent := conn.epoch.Add(time.Duration(pong.ClientTime) * time.Microsecond)
			ip.Clock().ObservePong(sent, conn.PongAt(), pong.ServerTick)
		}
		if c.o.OnMessage != nil {
			c.o.OnMessage(conn, typ)
		}
	}
}

// heartbeat pings at once and then every PingInterval, and sends the last
// input again when none went out for KeepAlive, until stop is closed or a
// send fails (the reader then sees the connection fail).
func (c *Client) heartbeat(conn *Conn, stop <-chan struct{}) {
	period := c.o.PingInterval
	if period <= 0 || (c.o.KeepAlive > 0 && c.o.KeepAlive/2 < period) {
		period = c.o.KeepAlive / 2
	}
	t := time.NewTicker(period)
	defer t.Stop()
	var pinged time.Time
	for {
		now := c.now()
		if c.o.PingInterval > 0 && (pinged.IsZero() || now.Sub(pinged) >= c.o.PingInterval) {
			pinged = now
			if c.Ping(c.ctx) != nil {
				return
			}
		}
		if c.o.KeepAlive > 0 && c.keepAlive(conn) != nil {
			return
		}
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}

// keepAlive sends the last input again when none went out on conn for
// KeepAlive. The check and the send hold sendMu, so the game's newer input
// cannot slip in between and be overridden.
func (c *Client) keepAlive(conn *Conn) error {
	c.sendMu.Lock()
	defer c.sendMu.Unlock()
	c.mu.Lock()
	in, idle := c.lastIn, c.now().Sub(c.lastInAt) >= c.o.KeepAlive
	c.mu.Unlock()
	if !idle || c.stalled.Load() {
		return nil
	}
	_, err := c.sendInput(c.ctx, in, conn)
	return err
}

// setState records and reports a state change. Client goroutine only, so
// changes are reported in order.
func (c *Client) setState(s StateChange) {
	c.stateMu.Lock()
	defer c.stateMu.Unlock()
	s.At = c.now()
	c.mu.Lock()
	c.state = s
	c.mu.Unlock()
	c.emit(s)
}

func (c *Client) emit(s StateChange) {
	if c.o.OnState != nil {
		c.o.OnState(s)
	}
}

// finish reports the end of the session.
func (c *Client) finish(err error) {
	if err == nil {
		err = errors.New("clientnet: session ended")
	}
	c.setState(StateChange{State: StateClosed, Err: err})
}
