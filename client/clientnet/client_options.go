package clientnet

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/protocol"
)

// Defaults of ClientOptions.
const (
	DefaultBackoffMin   = 250 * time.Millisecond
	DefaultBackoffMax   = 5 * time.Second
	DefaultStallAfter   = 500 * time.Millisecond
	DefaultPingInterval = time.Second
	DefaultKeepAlive    = time.Second
)

// ClientOptions configures a Client. A nil *ClientOptions, and every zero
// field, takes the default documented on the field.
type ClientOptions struct {
	// Dial configures every dial: name, headers, timeouts, read limit.
	// Its Resume is the token of the first dial only (a seat a matchmaker
	// assigned; default "": a new seat); later dials send the token of the
	// seat the Client holds. Its Now, when set, is the Client's clock too
	// (default time.Now); its OnRTT runs on the Client's reader goroutine.
	Dial DialOptions

	// Game, when set, turns on client-side prediction of the player with
	// the game's own code, for example an *arena.Rules. Default nil: the
	// player is drawn like any other entity.
	Game game.Predictor

	// Interp, Predict and Clock configure the Interpolator, the Predictor
	// and the Clock. Defaults as documented on each.
	Interp  *InterpOptions
	Predict *PredictorOptions
	Clock   *ClockOptions

	// PredictionLog, when set with Game, is a file the session's
	// prediction log is written to when it ends, before Done closes
	// (the newest DefaultPredictionLog reconciliations unless Predict.Log
	// says otherwise), for `skirmish replay -prediction FILE -against
	// RECORDING`; PredictionLogErr tells how writing it went. Default "":
	// none.
	PredictionLog string

	// BackoffMin and BackoffMax bound the wait before each reconnection:
	// the n-th attempt in a row waits a random time in
	// [0, min(BackoffMax, BackoffMin·2^(n-1))] ("full jitter"). Defaults
	// 250ms and 5s.
	BackoffMin, BackoffMax time.Duration

	// MaxAttempts is how many dials in a row may fail before the Client
	// gives up (StateClosed with ErrGaveUp wrapping the last error).
	// Default 0: no limit; the context given to Open bounds the session.
	MaxAttempts int

	// ResumeRetry: a resume refused (close 4004) this soon after the
	// connection dropped is retried. Default 0: a refused resume means the
	// seat is gone (a server that has not noticed the drop yet hands the
	// seat over to the new connection), and the Client stops retrying at
	// once.
	ResumeRetry time.Duration

	// NewSeat makes a Client whose seat is gone (resume refused) join
	// again as a new player rather than stop. Default false: it stops with
	// ErrSeatLost, wrapping the server's refusal, as its reason.
	NewSeat bool

	// GiveUpAfter: when no connection could be made for this long since
	// the last one ended, the Client gives up (StateClosed with ErrGaveUp):
	// a server that holds seats for a grace period has released the seat
	// by then. Default 0: no limit (see MaxAttempts).
	GiveUpAfter time.Duration

	// StallAfter: when no snapshot arrived for this long on a connection
	// that had sent some, the Client reports StateStalled (TCP can take
	// many seconds to notice a dead network); the silence is checked every
	// StallAfter/5 (100ms at most) and must be seen by two checks in a row. While stalled it sends
	// nothing (SendInput returns ErrStalled, no keep-alive, no Ping), so no
	// backlog of stale inputs reaches the server when the network comes
	// back; remote entities are no longer extrapolated and the predicted
	// player holds still. The first snapshot after the stall returns to
	// StateConnected. Default 500ms (15 snapshot intervals at 30/s);
	// negative: never.
	StallAfter time.Duration

	// StallReconnect: when the silence lasts this long, the Client gives
	// up on the connection without waiting for TCP (closing it in a way
	// that keeps the seat held) and resumes its seat on a new one.
	// Default 0: never; a player's client sets a few seconds, well below
	// the server's acknowledgement timeout (5s).
	StallReconnect time.Duration

	// PingInterval is how often a Ping measures the round trip, the first
	// right after connecting. Default 1s; negative: never.
	PingInterval time.Duration

	// KeepAlive: when no input has been sent on the connection for this
	// long, the Client sends the last one again (a zero input if there was
	// none), so the snapshot acknowledgement it carries stays fresh: the
	// server closes (1008) a client whose acknowledgements fall 5s behind.
	// The server holds the last input anyway, so this changes nothing in
	// the game. Default 1s; negative: never.
	KeepAlive time.Duration

	// OnState, when set, is called with every state change, in order, on
	// the Client's goroutine. It must not block nor call Close.
	OnState func(StateChange)

	// OnMessage, when set, is called on the reader goroutine after each
	// server message has been handled, with the connection whose accessors
	// (Event, Join, Leave, MatchEnd, Snapshot...) describe it; they are
	// valid during the call only. It must not block.
	OnMessage func(c *Conn, typ protocol.MsgType)

	// Retry, when set, cuts the wait before a reconnection short: a
	// receive on it means the network is back (a browser's online event),
	// so the Client dials at once instead of waiting out its backoff.
	// Default nil: the backoff alone decides.
	Retry <-chan struct{}

	// Sleep waits between attempts; it returns early with ctx's error when
	// ctx is done. Default: a timer. Tests inject their own.
	Sleep func(ctx context.Context, d time.Duration) error

	// Rand draws the jittered waits. Default: seeded at random.
	Rand *rand.Rand

	// GraphLen is the number of frames the network graph keeps. Default
	// 240.
	GraphLen int
}

func (o *ClientOptions) withDefaults() ClientOptions {
	var c ClientOptions
	if o != nil {
		c = *o
	}
	if c.Dial.Now == nil {
		c.Dial.Now = time.Now
	}
	if c.PredictionLog != "" && (c.Predict == nil || c.Predict.Log <= 0) {
		var p PredictorOptions
		if c.Predict != nil {
			p = *c.Predict
		}
		p.Log = DefaultPredictionLog
		c.Predict = &p
	}
	if c.BackoffMin <= 0 {
		c.BackoffMin = DefaultBackoffMin
	}
	if c.BackoffMax <= 0 {
		c.BackoffMax = DefaultBackoffMax
	}
	c.BackoffMax = max(c.BackoffMax, c.BackoffMin)
	if c.StallAfter == 0 {
		c.StallAfter = DefaultStallAfter
	}
	if c.PingInterval == 0 {
		c.PingInterval = DefaultPingInterval
	}
	if c.KeepAlive == 0 {
		c.KeepAlive = DefaultKeepAlive
	}
	if c.Sleep == nil {
		c.Sleep = sleepCtx
	}
	if c.Rand == nil {
		c.Rand = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	if c.GraphLen <= 0 {
		c.GraphLen = DefaultGraphLen
	}
	return c
}
