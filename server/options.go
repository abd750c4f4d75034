package server

import (
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/matchmaking"
	"github.com/skirmishgg/skirmish/server/clock"
	"github.com/skirmishgg/skirmish/server/identity"
	"github.com/skirmishgg/skirmish/server/match"
	"github.com/skirmishgg/skirmish/server/registry"
)

// Options configures a Server. A nil *Options, and every zero field, takes
// the default documented on the field (or on the package the field goes
// to: match, ws).
type Options struct {
	// SnapshotRate is how many snapshots a second each client is sent.
	// Default 30. It is capped at the game's tick rate.
	SnapshotRate int
	// MaxCatchUp is the most steps a match runs back to back after a stall
	// before it drops the lost time. Default 5.
	MaxCatchUp int
	// InputRate and InputBurst bound the messages a client may send (a
	// token bucket, whose burst covers the inputs a network delivers at
	// once after a stall of a few seconds); past them it is closed with
	// 1008. Defaults 120 and 150.
	InputRate  float64
	InputBurst int
	// ReliableQueue is how many reliable messages may wait for one client;
	// one further behind is closed with 1008. Default 64, raised to fit
	// twice the largest match's roster.
	ReliableQueue int
	// AckTimeout closes a client (1008) that acknowledged no snapshot
	// written to it over this long. Default 5s.
	AckTimeout time.Duration
	// Senders is how many goroutines write every client's snapshots.
	// Default GOMAXPROCS, at least 2.
	Senders int
	// EventLoops is how many event loops read the seated players'
	// connections (linux; see ws.Options.EventLoops). Default 1; -1: none,
	// a goroutine per connection.
	EventLoops int
	// EventLoopThread runs each event loop on an OS thread of its own
	// blocked in epoll_wait, one more P each (ws.Options.LoopThread).
	// Default off; the serve and host commands turn it on.
	EventLoopThread bool
	// HandshakeTimeout bounds the wait for a client's Hello. Default 5s.
	HandshakeTimeout time.Duration
	// WriteTimeout is how long one write to a client may take before the
	// client is considered stalled and dropped. Default 5s.
	WriteTimeout time.Duration
	// ResumeGrace is how long a dropped player keeps its seat. Default
	// 30s; negative: none.
	ResumeGrace time.Duration

	// AllowedOrigins are the browser origins, besides the server's own,
	// whose pages may open a game or queue connection (patterns, see
	// ws.Options.OriginPatterns). Native clients send no Origin and are
	// always accepted. Default none: same origin only.
	AllowedOrigins []string

	// Tokens, when set, admits players only with a join token the
	// matchmaker signed for a match on this host (which Expect created).
	// The token keys the player's seat, which it takes once and takes back
	// after a drop. Default nil: anyone may join, into the first match with
	// a free seat.
	Tokens *matchmaking.TokenVerifier

	// Identities, when set, admits only players whose Hello carries an
	// identity token it verifies (see admission.Options.Identities).
	// Default nil: identities are not checked.
	Identities *identity.Verifier

	// LookupMatch, when set, is asked for a match a join token names that
	// is not running here yet (see admission.Options.Lookup).
	LookupMatch func(matchID string)

	// Modes maps the matchmaker's mode names to the rules their matches
	// play. Expect refuses other modes. Default: none.
	Modes map[string]game.Rules

	// Interest, when set, sends each client only the entities around its
	// own player. Default nil: everything, to everyone.
	Interest *match.Interest

	// Seed seeds the worlds of new matches; 0 picks a random seed per
	// match.
	Seed uint64

	// OnResult, when set, receives the result of every match that ended
	// with one; every result is logged either way.
	OnResult func(registry.MatchResult)

	// MaxRewind bounds lag compensation: how far back a player's shots
	// are judged, at the tick its input says its screen showed the others
	// (see match.Options.MaxRewind and match.Seen). Default 200ms;
	// negative: off.
	MaxRewind time.Duration

	// SpectateDelay is how far behind the live match spectators see it.
	// Default 2s; negative: no delay.
	SpectateDelay time.Duration
	// MaxSpectators caps the spectators of one match. Default 200;
	// negative: none.
	MaxSpectators int
	// MaxSpectatorsPerIP caps the spectators watching at once from one
	// client address, over all matches (1013 past it). Default 4;
	// negative: no cap.
	MaxSpectatorsPerIP int

	// RecordDir, when set, is where every match is recorded, one .skrec
	// file each (server/record; replay with `skirmish replay`). Default
	// "": no recordings.
	RecordDir string

	// Registry receives the server's Prometheus metrics, served at
	// /metrics. Default a registry of its own, with the Go runtime's and
	// the process's metrics (go_*, process_*) too.
	Registry *prometheus.Registry

	// Limits bound the seats strangers can hold: the claim window of
	// assigned seats, and direct placement's capacity and per-address
	// cap (registry.Limits).
	Limits registry.Limits

	// Clock drives match loops and seat deadlines. Default clock.System.
	Clock clock.Clock

	// Logger receives structured logs. Default slog.Default().
	Logger *slog.Logger
}

func (o *Options) withDefaults() Options {
	var c Options
	if o != nil {
		c = *o
	}
	c.Interest = c.Interest.WithDefaults()
	if c.Registry == nil {
		c.Registry = prometheus.NewRegistry()
		c.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	if c.Clock == nil {
		c.Clock = clock.System{}
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.MaxSpectatorsPerIP == 0 {
		c.MaxSpectatorsPerIP = 4
	}
	return c
}
