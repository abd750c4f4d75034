package match

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/skirmishgg/skirmish/server/clock"
)

// Options configures the matches of a host. Call WithDefaults once and
// share the result: every zero field takes the default documented on it.
type Options struct {
	// SnapshotRate is how many views a second each peer is offered.
	// Default 30. It is capped at the game's tick rate.
	SnapshotRate int

	// MaxCatchUp is the most steps a match runs back to back after a stall
	// before it drops the lost time. Default 5.
	MaxCatchUp int

	// AckTimeout closes a client (1008) that acknowledged no snapshot of
	// those written to it over this long (see Peer.Lagging). Default 5s.
	AckTimeout time.Duration

	// ResumeGrace is how long a dropped player's seat is held: the player
	// stays in the world, still, and its resume token takes the seat back.
	// Default 30s; negative: a drop releases the seat at once.
	ResumeGrace time.Duration

	// GridCell, when positive, indexes every view's entities on a grid of
	// that cell size, for interest filtering (see Filter). Default 0: none.
	GridCell int32

	// Dispatcher receives the peers to write after each snapshot tick.
	// Default none: peers read their views themselves.
	Dispatcher Dispatcher

	// Clock drives the loops and seat deadlines. Default clock.System.
	Clock clock.Clock

	// Metronome runs the steps of the matches sharing these options.
	// Default: a new one at 60 beats a second on Clock, which every match
	// given the result of this WithDefaults shares.
	Metronome *Metronome

	// Metrics receives the loops' measurements. Default: metrics
	// registered nowhere.
	Metrics *Metrics

	// MaxRewind bounds lag compensation: how far back a player's shots
	// may be judged (game.Input.Rewind), for a player whose input says
	// what it saw (Player.PushSeen). Default 250ms (a 150 ms round trip plus a
	// typical 70 ms interpolation delay, with room); negative: no lag
	// compensation.
	MaxRewind time.Duration

	// InterpDelay is how far behind its newest snapshot a client is
	// assumed to draw the others when its input does not report the tick
	// it drew them at (Seen.View: clients older than the view tick).
	// Default 100ms.
	InterpDelay time.Duration

	// SpectateDelay is how far behind the live match spectators see it,
	// so that watching cannot be used to cheat. Default 2s; negative: no
	// delay (tests, operators).
	SpectateDelay time.Duration

	// MaxSpectators caps the spectators of one match. Default 200;
	// negative: no spectators.
	MaxSpectators int

	// Audience shows the matches' delayed views to their spectators.
	// Default nil: no spectators.
	Audience Audience

	// Recorder, when set, records the one match these options are given
	// to (the registry sets it on a copy per match). Default nil: no
	// recording, at no cost.
	Recorder Recorder
}

// WithDefaults returns a copy of o, which may be nil, with the defaults
// filled in.
func (o *Options) WithDefaults() *Options {
	var c Options
	if o != nil {
		c = *o
	}
	if c.SnapshotRate <= 0 {
		c.SnapshotRate = 30
	}
	if c.MaxCatchUp <= 0 {
		c.MaxCatchUp = 5
	}
	if c.AckTimeout <= 0 {
		c.AckTimeout = 5 * time.Second
	}
	if c.ResumeGrace == 0 {
		c.ResumeGrace = 30 * time.Second
	}
	if c.MaxRewind == 0 {
		c.MaxRewind = 250 * time.Millisecond
	}
	if c.InterpDelay <= 0 {
		c.InterpDelay = 100 * time.Millisecond
	}
	if c.SpectateDelay == 0 {
		c.SpectateDelay = 2 * time.Second
	}
	if c.MaxSpectators == 0 {
		c.MaxSpectators = 200
	}
	if c.Clock == nil {
		c.Clock = clock.System{}
	}
	if c.Metronome == nil {
		c.Metronome = NewMetronome(MetronomeOptions{Clock: c.Clock})
	}
	if c.Metrics == nil {
		c.Metrics = NewMetrics(prometheus.NewRegistry())
	}
	return &c
}
