package match

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/protocol"
)

// emptyMatchLinger is how long a match with no players stays open for new
// ones before it stops.
const emptyMatchLinger = 10 * time.Second

// Match is one running match: a loop that owns a game world and advances
// it on a fixed tick, run by its host's Metronome, and the seats of its
// players.
type Match struct {
	id     string
	rules  game.Rules
	schema Schema
	world  game.World
	opts   *Options
	mt     *Metronome // opts.Metronome, or one of its own

	period       time.Duration
	snapshotRate int

	seats *seatTable
	spec  spectating

	// Control channels into the loop. joins has room for every seat, and
	// a join's seat is reserved (or about to be) before it is sent, so
	// sending never waits long.
	joins  chan *joinRequest
	leaves chan departure
	stopc  chan stopOrder
	stopMu sync.Once
	done   chan struct{}

	currentTick atomic.Uint32
	stats       loopStats
	started     time.Time              // when Start was called; set before the loop
	result      atomic.Pointer[Result] // set when the match ended with results
	// noLinger: end once empty, without waiting for newcomers (EndWhenEmpty).
	noLinger atomic.Bool

	// Owned by the loop: whichever goroutine of the metronome runs the
	// match's beat (one at a time, see Metronome).
	players          []*Player // connected, in join order
	known            map[game.PlayerID]who
	nextPlayer       game.PlayerID
	tick             uint32
	snapAcc          int
	inputs           []game.PlayerInput
	gameEvents       []game.Event
	gameView         []game.Entity
	ready            []Peer   // peers to dispatch after the beat (runGroup)
	sched            schedule // set by anchor before the first beat
	over             bool     // the loop ended; the metronome drops the match
	outbox           [][]byte // a step's encoded events
	expired          []*Player
	views            *viewPool
	emptySince       time.Time
	lastHousekeeping time.Time
}

// loopStats is the loop's self-measurement, readable from any goroutine.
type loopStats struct {
	ticks       atomic.Uint64
	dropped     atomic.Uint64 // steps skipped after stalls
	overruns    atomic.Uint64 // steps that took longer than a period
	maxStepNano atomic.Int64
	maxLateNano atomic.Int64
	snapshots   atomic.Uint64 // views published
}

// Stats is a snapshot of a match's counters.
type Stats struct {
	ID          string
	Game        string // the rules' name
	MaxPlayers  int
	Players     int // seats reserved, taken or kept
	Seats       SeatCounts
	Tick        uint32
	Ticks       uint64
	Dropped     uint64
	Overruns    uint64
	MaxStep     time.Duration
	MaxLateness time.Duration
	Snapshots   uint64
	Spectators  int
}

// New makes a match of rules, seeded with seed, described on the wire by
// schema (see NewSchema). Run starts it.
func New(id string, rules game.Rules, schema Schema, seed uint64, opts *Options) *Match {
	rate := rules.TickRate()
	snap := min(opts.SnapshotRate, rate)
	max := rules.MaxPlayers()
	mt := opts.Metronome
	if mt == nil {
		mt = NewMetronome(MetronomeOptions{Clock: opts.Clock, Rate: rate, Workers: 1})
	}
	return &Match{
		mt:           mt,
		id:           id,
		rules:        rules,
		schema:       schema,
		world:        rules.NewWorld(seed),
		opts:         opts,
		period:       time.Second / time.Duration(rate),
		snapshotRate: snap,
		seats:        newSeatTable(max, opts.Metrics),
		joins:        make(chan *joinRequest, max),
		leaves:       make(chan departure, max),
		stopc:        make(chan stopOrder, 1),
		done:         make(chan struct{}),
		views:        newViewPool(8, schema.Counts),
		nextPlayer:   1,
		known:        map[game.PlayerID]who{},
		spec:         spectating{joins: make(chan *spectateRequest, 16), leaves: make(chan Spectator, 16)},
	}
}

// ID returns the match's ID.
func (m *Match) ID() string { return m.id }

// Rules returns the game the match plays.
func (m *Match) Rules() game.Rules { return m.rules }

// Tick is the newest step run. Any goroutine.
func (m *Match) Tick() uint32 { return m.currentTick.Load() }

// Done is closed when the match's loop has ended.
func (m *Match) Done() <-chan struct{} { return m.done }

// Result is how the match ended (the world's outcome, or standings when
// it was ended early with End), or nil while it runs or when it was
// stopped without results. Any goroutine.
func (m *Match) Result() *Result { return m.result.Load() }

// Stats returns the match's counters. Any goroutine.
func (m *Match) Stats() Stats {
	seats := m.seats.counts()
	return Stats{
		ID:          m.id,
		Game:        m.rules.Name(),
		MaxPlayers:  m.rules.MaxPlayers(),
		Players:     seats.Taken(),
		Seats:       seats,
		Tick:        m.currentTick.Load(),
		Ticks:       m.stats.ticks.Load(),
		Dropped:     m.stats.dropped.Load(),
		Overruns:    m.stats.overruns.Load(),
		MaxStep:     time.Duration(m.stats.maxStepNano.Load()),
		MaxLateness: time.Duration(m.stats.maxLateNano.Load()),
		Snapshots:   m.stats.snapshots.Load(),
		Spectators:  m.Spectators(),
	}
}

// Seats returns the match's seats by state. Any goroutine.
func (m *Match) Seats() SeatCounts { return m.seats.counts() }

// Reserve keeps a seat for a player who is coming: the matchmaker assigned
// them (key: their join token's nonce, kept until the token expires at
// deadline and refused after its seat is released until spentUntil), or
// they are being placed here directly (key: their resume token). It fails
// with ErrFull or ErrEnded. Any goroutine.
func (m *Match) Reserve(key string, deadline, spentUntil time.Time) error {
	return m.seats.reserve(key, "", deadline, spentUntil)
}

// ReserveFrom is Reserve for a player placed directly from a client
// address, which the seat keeps for its whole life (SeatsFrom). Any
// goroutine.
func (m *Match) ReserveFrom(key, addr string, deadline time.Time) error {
	return m.seats.reserve(key, addr, deadline, time.Time{})
}

// SeatsFrom counts the seats, reserved, claimed or held, placed from addr.
// Any goroutine.
func (m *Match) SeatsFrom(addr string) int { return m.seats.countFrom(addr) }

// stopOrder is how Stop or End ends the match.
type stopOrder struct {
	code   protocol.CloseCode
	reason string
	// end, when set, is the reason of a MatchEnd sent first with the
	// standings as the world has them (End).
	end string
}

// Stop asks the loop to end the match, closing every player with code and
// reason once their queued messages are out. The first Stop or End wins;
// it does not wait: Done tells when the loop has ended, which is at once,
// not at the next beat (Stop nudges the metronome).
func (m *Match) Stop(code protocol.CloseCode, reason string) {
	m.stopMu.Do(func() {
		m.stopc <- stopOrder{code: code, reason: reason}
		m.mt.nudge()
	})
}

// End ends the match early as the world stands: every player gets a
// MatchEnd with endReason and the standings so far (the match's Result),
// then a close with code and reason. A host that drains ends the matches
// still running at its deadline this way, so their results are kept.
func (m *Match) End(endReason string, code protocol.CloseCode, reason string) {
	m.stopMu.Do(func() {
		m.stopc <- stopOrder{code: code, reason: reason, end: endReason}
		m.mt.nudge()
	})
}

// EndWhenEmpty makes the match end as soon as it has no player and no
// seat reserved or held (at its next housekeeping, within a second),
// instead of staying open for newcomers for a while: a draining host
// places none, so an empty match would only keep the drain waiting. Any
// goroutine.
func (m *Match) EndWhenEmpty() { m.noLinger.Store(true) }

// Open reports whether the match takes new players: it has not ended and
// is not ending. Any goroutine.
func (m *Match) Open() bool {
	m.seats.mu.Lock()
	defer m.seats.mu.Unlock()
	return !m.seats.ending
}
