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
	DefaultResumeRetry  = 2 * time.Second
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
	// connection dropped is retried, since the server may not have noticed
	// the drop yet; later, the seat is gone. Default 2s.
	ResumeRetry time.Duration

	// NewSeat makes a Client whose seat is gone (resume refused) join
	// again as a new player rather than stop. Default false: it stops with
	// the 4004 close as its reason.
	NewSeat bool

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
	if c.BackoffMin <= 0 {
		c.BackoffMin = DefaultBackoffMin
	}
	if c.BackoffMax <= 0 {
		c.BackoffMax = DefaultBackoffMax
	}
	c.BackoffMax = max(c.BackoffMax, c.BackoffMin)
	if c.ResumeRetry <= 0 {
		c.ResumeRetry = DefaultResumeRetry
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
