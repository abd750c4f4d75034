package bot

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/client/clientnet"
	"github.com/skirmishgg/skirmish/protocol"
)

// Reconnect backoff after a failed connect or a disconnect: it starts at
// backoffMin, doubles up to backoffMax, and is jittered by ±50%.
const (
	backoffMin = 100 * time.Millisecond
	backoffMax = 2 * time.Second
	// maxFailedDials is how many dials in a row may fail to reach a host
	// before a queued bot gives its seat up and queues again.
	maxFailedDials = 4
)

// bot is one headless player. Its goroutine dials, plays and reconnects
// until the run ends; while connected a second goroutine sends its inputs.
type bot struct {
	index int
	name  string
	ids   clientnet.MemoryIdentities // its guest identity, fetched once
	id    string                     // its player ID: the guest identity's
	opts  *Options
	log   *slog.Logger
	rng   *rand.Rand // the sender's while connected, the bot goroutine's otherwise
	brain *brain
	rtt   *histogram // shared by the run
	wait  *histogram // queue → match join, shared by the run
	sight sight
	obs   observer
	res   BotResult
}

func newBot(i int, o *Options, rtt, wait *histogram) *bot {
	rng := rand.New(rand.NewPCG(o.Seed+uint64(i), 0x5b0751))
	name := botName(o.Name, i)
	return &bot{
		index: i,
		name:  name,
		opts:  o,
		log:   o.Logger.With("bot", name),
		rng:   rng,
		brain: newBrain(rng, o.InputRate),
		rtt:   rtt,
		wait:  wait,
		res:   BotResult{Index: i, Name: name},
	}
}

// outcome is how one connection ended.
type outcome int

const (
	endRun        outcome = iota // the run is over
	endMatch                     // the match ended: join again
	endDisconnect                // dropped: reconnect after a pause
	endLeft                      // the bot left (Churn): join again
	endDropped                   // the bot cut its connection (Churn): resume
)

// run plays from startAt until ctx is done.
func (b *bot) run(ctx context.Context, startAt time.Time) {
	if !sleep(ctx, time.Until(startAt)) {
		return
	}
	backoff := backoffMin
	dialOpts := &clientnet.DialOptions{
		Name:             b.name,
		HandshakeTimeout: b.opts.HandshakeTimeout,
		OnRTT:            func(_ uint32, rtt time.Duration) { b.rtt.record(rtt) },
	}
	url := b.opts.URL
	var queuedAt time.Time
	failedDials := 0 // in a row, to the same seat
	afterDrop := false
	for ctx.Err() == nil {
		if dialOpts.Identity == "" {
			id, err := clientnet.Guest(ctx, b.identityServer(), &b.ids)
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				b.res.ConnectFailures++
				b.res.LastError = err.Error()
				b.log.Warn("no guest identity", "err", err)
				if !sleep(ctx, b.jitter(backoff)) {
					return
				}
				backoff = min(2*backoff, backoffMax)
				continue
			}
			dialOpts.Identity, b.id = id.Token, id.Player
		}
		if b.opts.Mode != "" && dialOpts.Resume == "" {
			queuedAt = time.Now()
			a, err := clientnet.Queue(ctx, b.opts.QueueURL, clientnet.QueueRequest{
				Mode:     b.opts.Mode,
				Skill:    b.opts.Skill,
				Identity: dialOpts.Identity,
				Name:     b.name,
			}, nil)
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				b.forgetRefusedIdentity(err, dialOpts)
				b.res.ConnectFailures++
				b.res.LastError = err.Error()
				b.log.Warn("queue failed", "err", err)
				if !sleep(ctx, b.jitter(backoff)) {
					return
				}
				backoff = min(2*backoff, backoffMax)
				continue
			}
			url, dialOpts.Resume = a.HostURL, a.TokenFor(b.id)
			b.res.Queued++
		}
		conn, err := clientnet.Dial(ctx, url, dialOpts)
		if err != nil {
			failedDials++
			b.forgetRefusedIdentity(err, dialOpts)
			// A host that refuses the seat has lost it; one that cannot
			// be reached at all has likely died with it. Either way the
			// bot queues again rather than knock on a dead host.
			if b.opts.Mode != "" && (rejoinRefused(err) || failedDials >= maxFailedDials) {
				dialOpts.Resume = ""
				failedDials = 0
				backoff = backoffMin // a new seat, elsewhere: no reason to wait long
				b.res.Requeues++
			}
			if ctx.Err() != nil {
				return
			}
			b.res.ConnectFailures++
			b.res.LastError = err.Error()
			b.log.Warn("connect failed", "err", err)
			if !sleep(ctx, b.jitter(backoff)) {
				return
			}
			backoff = min(2*backoff, backoffMax)
			continue
		}
		b.res.Connects++
		if afterDrop {
			b.res.Resumed++
			afterDrop = false
		}
		failedDials = 0
		if !queuedAt.IsZero() {
			b.wait.record(time.Since(queuedAt))
			queuedAt = time.Time{}
		}
		resume := conn.Welcome().Resume
		switch out, err := b.play(ctx, conn); out {
		case endRun:
			return
		case endMatch:
			b.res.MatchesFinished++
			dialOpts.Resume = "" // next match: queue again
			backoff = backoffMin
			b.log.Debug("match over, joining again")
		case endLeft:
			b.res.Left++
			dialOpts.Resume = "" // a new seat: queue again in a mode
			backoff = backoffMin
		case endDropped:
			b.res.Dropped++
			if b.opts.Mode == "" {
				dialOpts.Resume = resume
			}
			afterDrop = true
			backoff = backoffMin
		case endDisconnect:
			b.res.Disconnects++
			b.res.LastError = err.Error()
			b.log.Warn("disconnected", "err", err, "close_status", int(websocket.CloseStatus(err)))
			if !sleep(ctx, b.jitter(backoff)) {
				return
			}
			backoff = min(2*backoff, backoffMax)
		}
	}
}

// forgetRefusedIdentity drops an identity the server refused (4007: a
// server restarted with a new key), so the next try fetches a new one.
func (b *bot) forgetRefusedIdentity(err error, dialOpts *clientnet.DialOptions) {
	if clientnet.IdentityRefused(err) {
		b.ids.Forget(clientnet.ServerKey(b.identityServer()))
		dialOpts.Identity, dialOpts.Resume = "", ""
	}
}

// identityServer issues the bot's guest identity: the matchmaker it
// queues with, or the server it joins directly.
func (b *bot) identityServer() string {
	if b.opts.Mode != "" {
		return b.opts.QueueURL
	}
	return b.opts.URL
}

// play runs one connection: this goroutine reads while a second one sends
// inputs. It returns once both are done and the connection is closed.
func (b *bot) play(ctx context.Context, conn *clientnet.Conn) (outcome, error) {
	began := time.Now()
	b.obs.reset(conn.Welcome(), &b.sight)
	// Churn: leave or drop after a while, as players do (chosen before
	// the sender takes the random generator).
	var churned atomic.Int32
	stopChurn := func() {}
	if b.opts.Churn > 0 {
		leave, after := b.rng.IntN(2) == 0, b.jitter(b.opts.Churn)
		done := make(chan struct{})
		churn := time.AfterFunc(after, func() {
			defer close(done)
			if leave {
				churned.Store(int32(endLeft))
				conn.Close()
			} else {
				churned.Store(int32(endDropped))
				conn.CloseNow()
			}
		})
		// Stops the churn, or waits for its close to finish.
		stopChurn = func() {
			if !churn.Stop() {
				<-done
			}
		}
	}

	// The sender stops as soon as the run ends, so no input races the
	// close handshake below.
	sendCtx, stopSend := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { b.send(sendCtx, conn) })

	// When the run ends, close politely; that also ends Next below.
	closed := make(chan struct{})
	stopClose := context.AfterFunc(ctx, func() {
		defer close(closed)
		conn.Close()
	})

	var err error
	for {
		var typ protocol.MsgType
		if typ, err = conn.Next(context.Background()); err != nil {
			break
		}
		b.obs.handle(typ, conn)
	}

	stopChurn()
	if stopClose() {
		conn.CloseNow()
	} else {
		<-closed
	}
	stopSend()
	wg.Wait()

	b.account(conn, time.Since(began))
	_, ended := conn.MatchEnd()
	switch {
	case ctx.Err() != nil:
		return endRun, nil
	case ended:
		// The server closes every player after MatchEnd (1000 "match
		// over"); whatever the close looked like, the match is over.
		return endMatch, nil
	case churned.Load() != 0:
		return outcome(churned.Load()), nil
	}
	return endDisconnect, err
}

// send sends an input at the bot's input rate until ctx is done or a send
// fails (which closes the connection, so the reader stops too).
func (b *bot) send(ctx context.Context, conn *clientnet.Conn) {
	t := time.NewTicker(time.Second / time.Duration(b.opts.InputRate))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		// Not ctx: cancelling it must not abort the close handshake.
		if _, err := conn.SendInput(context.Background(), b.brain.next(&b.sight)); err != nil {
			// net.ErrClosed: a close is under way, which the reader sees
			// (closing now could hide its close status). Anything else
			// means a broken connection: make sure the reader stops.
			if ctx.Err() == nil && !errors.Is(err, net.ErrClosed) {
				conn.CloseNow()
			}
			return
		}
	}
}

// account adds one finished connection's figures to the bot's result.
func (b *bot) account(conn *clientnet.Conn, connected time.Duration) {
	st := conn.Stats()
	r := &b.res
	r.Connected += connected
	r.Snapshots += st.Snapshots
	r.Bytes += st.Bytes
	r.Gaps += st.Gaps
	r.Inputs += st.Inputs
	r.RTTSamples += st.RTTSamples
	r.RTTMax = max(r.RTTMax, st.RTTMax)
	r.OthersSeenMoving += len(b.obs.moved)
	r.ScoreChanges += b.obs.scoreChanges
	r.Hits += b.obs.hits
}

// jitter spreads d by ±50%.
func (b *bot) jitter(d time.Duration) time.Duration {
	return d/2 + time.Duration(b.rng.Int64N(int64(d)+1))
}

// sleep waits for d or until ctx is done, reporting whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// rejoinRefused reports whether the host refused a join or resume token:
// its seat is gone, so the bot must queue again.
func rejoinRefused(err error) bool {
	switch websocket.CloseStatus(err) {
	case protocol.CloseBadResume, protocol.CloseBadToken:
		return true
	}
	return false
}
