package ws

import (
	"log/slog"
	"runtime"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/skirmishgg/skirmish/server/clock"
	"github.com/skirmishgg/skirmish/server/match"
	"github.com/skirmishgg/skirmish/server/netlimit"
)

// Options configures the WebSocket adapter. A nil *Options, and every zero
// field, takes the default documented on the field.
type Options struct {
	// InputRate and InputBurst bound the messages a client may send: a
	// token bucket refilled at InputRate per second holding at most
	// InputBurst. A client that empties it is closed with 1008 (a flood:
	// its seat is freed). The burst covers what a client's network may
	// deliver at once after a stall of a few seconds (TCP hands over the
	// inputs it held back), so a stall is never taken for a flood; a
	// sustained flood still empties it. Defaults 120 and 150.
	InputRate  float64
	InputBurst int

	// ControlLimits bound the ping and pong frames a client may send,
	// which the WebSocket library reads and answers below InputRate; a
	// client over them is closed with 1008. Default netlimit's.
	ControlLimits netlimit.ReadLimits

	// OriginPatterns are the browser origins, besides the server's own,
	// whose pages may open a game connection: host patterns (path.Match,
	// e.g. "*.example.com") or scheme://host patterns. A request without
	// an Origin header (a native client) is always accepted; any other is
	// refused with 403. Default none: same origin only.
	OriginPatterns []string

	// ReliableQueue is how many reliable messages (events, joins, leaves)
	// may wait for one client's sender; a client that falls further
	// behind is closed with 1008. Default 64; raise it to fit twice the
	// largest match's roster (a joining player is sent all of it).
	ReliableQueue int

	// Senders is how many goroutines encode and write snapshots for all
	// the clients; a write the kernel cannot take at once is finished by a
	// goroutine of that client's own, so a slow client never holds a
	// sender. Default GOMAXPROCS, at least 2.
	Senders int

	// EventLoops is how many event loops read the seated players' and
	// spectators' connections (linux; elsewhere each connection is read by
	// a goroutine of its own, as it is on every system until its Hello
	// is admitted). Default 1; -1: none, every connection on its own
	// goroutine. More than GOMAXPROCS is GOMAXPROCS.
	EventLoops int

	// LoopThread runs each event loop on an OS thread of its own, blocked
	// in epoll_wait as the loadbench floor's loop is, rather than parked on
	// Go's poller: less CPU per wake-up (measured 0.37 against 0.54 ms per
	// client-second at 64 players; bench/results/evloop-2026-12-05.md).
	// The thread holds a P while it waits, so each loop adds one to
	// GOMAXPROCS while it runs (given back when the handler closes).
	// Default off here; the serve and host commands turn it on
	// (-event-loop-thread).
	LoopThread bool

	// HandshakeTimeout bounds the wait for a client's Hello. Default 5s.
	HandshakeTimeout time.Duration

	// WriteTimeout is how long one write to a client may take before the
	// client is considered stalled and dropped. Default 5s.
	WriteTimeout time.Duration

	// Interest, when set, sends each client only the entities around its
	// own player; the matches must index their views with a grid of
	// Interest.Cell (match.Options.GridCell). Default nil: everything.
	Interest *match.Interest

	// Registry receives the adapter's metrics. Default a registry of its
	// own.
	Registry prometheus.Registerer

	// Clock times input rate limits. Default clock.System.
	Clock clock.Clock

	// Logger receives structured logs. Default slog.Default().
	Logger *slog.Logger
}

func (o *Options) withDefaults() Options {
	var c Options
	if o != nil {
		c = *o
	}
	if c.InputRate <= 0 {
		c.InputRate = 120
	}
	if c.InputBurst <= 0 {
		c.InputBurst = 150
	}
	if c.ReliableQueue <= 0 {
		c.ReliableQueue = 64
	}
	switch {
	case c.EventLoops == 0:
		c.EventLoops = 1
	case c.EventLoops < 0:
		c.EventLoops = 0
	}
	c.EventLoops = min(c.EventLoops, runtime.GOMAXPROCS(0))
	if c.HandshakeTimeout <= 0 {
		c.HandshakeTimeout = 5 * time.Second
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = 5 * time.Second
	}
	c.Interest = c.Interest.WithDefaults()
	if c.Registry == nil {
		c.Registry = prometheus.NewRegistry()
	}
	if c.Clock == nil {
		c.Clock = clock.System{}
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}
