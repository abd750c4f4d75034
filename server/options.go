package server

import (
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/matchmaking"
)

// Options configures a Server. A nil *Options, and every zero field, takes
// the default documented on the field.
type Options struct {
	// SnapshotRate is how many snapshots a second each client is sent.
	// Default 30. It is capped at the game's tick rate.
	SnapshotRate int

	// MaxCatchUp is the most steps a match runs back to back after a stall
	// before it drops the lost time. Default 5.
	MaxCatchUp int

	// InputRate and InputBurst bound the messages a client may send: a
	// token bucket refilled at InputRate per second holding at most
	// InputBurst. A client that empties it is closed with 1008. Defaults 120
	// and 60.
	InputRate  float64
	InputBurst int

	// ReliableQueue is how many reliable messages (events, joins, leaves)
	// may wait for one client's writer; a client that falls further behind
	// is closed with 1008. Default 64, raised to fit twice the largest
	// match's roster.
	ReliableQueue int

	// AckTimeout closes a client (1008) whose newest acknowledged snapshot
	// (Input.Ack) is this much older than the newest one written to it:
	// it has stopped reading, or cannot keep up. Default 5s.
	AckTimeout time.Duration

	// Senders is how many goroutines encode and write snapshots for all
	// the server's clients; a write the kernel cannot take at once is
	// finished by a goroutine of that client's own, so a slow client never
	// holds a sender. Default GOMAXPROCS, at least 2.
	Senders int

	// HandshakeTimeout bounds the wait for a client's Hello. Default 5s.
	HandshakeTimeout time.Duration

	// WriteTimeout is how long one write to a client may take before the
	// client is considered stalled and closed. Default 5s.
	WriteTimeout time.Duration

	// ResumeGrace is how long a player whose connection dropped keeps its
	// seat: it stays in the world, still, and a Hello carrying the resume
	// token from its Welcome takes the seat back. Default 30s; negative
	// disables resuming.
	ResumeGrace time.Duration

	// Seats, when set, admits players only with a join token the
	// matchmaker signed: a Hello must carry one (in Resume), the ledger
	// verifies it and makes it single-use, and the player takes its seat in
	// the match the token names, which Expect created. Default nil: anyone
	// may join, into the first match with a free seat.
	Seats *matchmaking.SeatLedger

	// Modes maps the matchmaker's mode names to the rules their matches
	// play. Expect refuses other modes. Default: none.
	Modes map[string]game.Rules

	// Interest, when set, sends each client only the entities around its
	// own player (see Interest). Default nil: everything, to everyone.
	Interest *Interest

	// Seed seeds the worlds of new matches; 0 picks a random seed per
	// match.
	Seed uint64

	// Registry receives the server's Prometheus metrics, served at
	// /metrics. Default a registry of its own, with the Go runtime's and
	// the process's metrics (go_*, process_*) too.
	Registry *prometheus.Registry

	// Clock drives match loops. Default SystemClock.
	Clock Clock

	// Logger receives structured logs. Default slog.Default().
	Logger *slog.Logger

	metrics *metrics // made from Registry by withDefaults
}

func (o *Options) withDefaults() Options {
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
	if c.InputRate <= 0 {
		c.InputRate = 120
	}
	if c.InputBurst <= 0 {
		c.InputBurst = 60
	}
	if c.ReliableQueue <= 0 {
		c.ReliableQueue = 64
	}
	if c.HandshakeTimeout <= 0 {
		c.HandshakeTimeout = 5 * time.Second
	}
	if c.AckTimeout <= 0 {
		c.AckTimeout = 5 * time.Second
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = 5 * time.Second
	}
	if c.ResumeGrace == 0 {
		c.ResumeGrace = 30 * time.Second
	}
	c.Interest = c.Interest.withDefaults()
	if c.Registry == nil {
		c.Registry = prometheus.NewRegistry()
		c.Registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	c.metrics = newMetrics(c.Registry)
	if c.Clock == nil {
		c.Clock = SystemClock{}
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}
