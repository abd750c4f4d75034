package server

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/protocol"
)

// maxEventSize bounds an encoded Event: a fixarray, a type and seven
// integers of at most nine bytes each.
const maxEventSize = 2 + 7*9

// emptyMatchLinger is how long a match with no players stays open for new
// ones before it stops.
const emptyMatchLinger = 10 * time.Second

// Match is one running match: a goroutine that owns a game world and
// advances it on a fixed tick.
type Match struct {
	id           string
	rules        game.Rules
	world        game.World
	opts         *Options
	counts       *protocol.FieldCounts
	welcomeKinds []protocol.KindSchema

	period       time.Duration
	snapshotRate int

	// Control channels into the loop. joins has room for every seat, and a
	// seat is reserved before its join is sent, so sending never blocks.
	joins  chan *session
	leaves chan departure
	stopc  chan struct{}
	stopMu sync.Once
	done   chan struct{}

	seats       atomic.Int32 // reserved or taken seats
	ending      atomic.Bool  // accepts no new players
	currentTick atomic.Uint32

	stats matchStats

	// resumes maps resume tokens to matches, shared with the Server.
	resumes *sync.Map

	// Matchmaking bookkeeping, guarded by the Server's mu: the mode the
	// match was made for (empty without matchmaking), the skill of the
	// players assigned to it, and since when it has had open seats.
	mode                string
	skillSum, skillSeen float64
	openSince           time.Time

	// Owned by the loop.
	sessions         []*session
	held             map[string]*heldSeat // seats of dropped players, by resume token
	nextPlayer       game.PlayerID
	tick             uint32
	snapAcc          int
	inputs           []game.PlayerInput
	gameEvents       []game.Event
	gameView         []game.Entity
	ready            []*session // sessions to hand to the senders, per snapshot
	outbox           [][]byte   // a step's encoded events
	views            *viewPool
	emptySince       time.Time
	lastHousekeeping time.Time
}

// matchStats is the loop's self-measurement, readable from any goroutine.
type matchStats struct {
	ticks       atomic.Uint64
	dropped     atomic.Uint64 // steps skipped after stalls
	overruns    atomic.Uint64 // steps that took longer than a period
	maxStepNano atomic.Int64
	maxLateNano atomic.Int64
	snapshots   atomic.Uint64 // views published
}

// MatchStats is a snapshot of a match's counters.
type MatchStats struct {
	ID          string
	Mode        string // empty without matchmaking
	MaxPlayers  int
	Players     int // seats taken or kept
	Tick        uint32
	Ticks       uint64
	Dropped     uint64
	Overruns    uint64
	MaxStep     time.Duration
	MaxLateness time.Duration
	Snapshots   uint64
}

func newMatch(id string, rules game.Rules, seed uint64, opts *Options, schema wireSchema, resumes *sync.Map) *Match {
	rate := rules.TickRate()
	snap := opts.SnapshotRate
	if snap > rate {
		snap = rate
	}
	max := rules.MaxPlayers()
	return &Match{
		id:           id,
		rules:        rules,
		world:        rules.NewWorld(seed),
		opts:         opts,
		counts:       schema.counts,
		welcomeKinds: schema.kinds,
		period:       time.Second / time.Duration(rate),
		snapshotRate: snap,
		joins:        make(chan *session, max),
		leaves:       make(chan departure, max),
		held:         map[string]*heldSeat{},
		stopc:        make(chan struct{}),
		done:         make(chan struct{}),
		views:        newViewPool(8),
		nextPlayer:   1,
		resumes:      resumes,
	}
}

// ID returns the match's ID.
func (m *Match) ID() string { return m.id }

// Stats returns the match's counters.
func (m *Match) Stats() MatchStats {
	return MatchStats{
		ID:          m.id,
		Mode:        m.mode,
		MaxPlayers:  m.rules.MaxPlayers(),
		Players:     int(m.seats.Load()),
		Tick:        m.currentTick.Load(),
		Ticks:       m.stats.ticks.Load(),
		Dropped:     m.stats.dropped.Load(),
		Overruns:    m.stats.overruns.Load(),
		MaxStep:     time.Duration(m.stats.maxStepNano.Load()),
		MaxLateness: time.Duration(m.stats.maxLateNano.Load()),
		Snapshots:   m.stats.snapshots.Load(),
	}
}

// reserve takes a seat for a player about to join, if one is free.
func (m *Match) reserve() bool {
	max := int32(m.rules.MaxPlayers())
	for {
		n := m.seats.Load()
		if n >= max || m.ending.Load() {
			return false
		}
		if m.seats.CompareAndSwap(n, n+1) {
			// The loop may have started ending between the two loads; it
			// checks seats after setting ending, so one of us sees the other.
			if m.ending.Load() {
				m.seats.Add(-1)
				return false
			}
			return true
		}
	}
}

// stop asks the loop to end the match, closing every session with 1001.
// It is idempotent and does not wait; Done tells when the loop has ended.
func (m *Match) stop() {
	m.stopMu.Do(func() { close(m.stopc) })
}

// Done is closed when the match's loop has ended.
func (m *Match) Done() <-chan struct{} { return m.done }

// departure is a session leaving the match; a dropped one keeps its seat
// for the resume grace period.
type departure struct {
	s       *session
	dropped bool
}

// leave hands a departing session to the loop; it never blocks past the
// match's end.
func (m *Match) leave(s *session, dropped bool) {
	select {
	case m.leaves <- departure{s, dropped}:
	case <-m.done:
	}
}

// run is the match goroutine.
func (m *Match) run() {
	defer m.exit()
	clock := m.opts.Clock
	// Steps are anchored to a start read before the ticker exists, so every
	// fire lands at or after a step's due time: anchored after it, a fire
	// that wakes quickly finds its step not yet due and the step waits a
	// whole period.
	start := clock.Now()
	t := clock.NewTicker(m.period)
	defer t.Stop()
	sched := newSchedule(start, m.period, m.opts.MaxCatchUp)
	m.emptySince, m.lastHousekeeping = start, start
	for {
		select {
		case <-m.stopc:
			m.closeAll(websocket.StatusGoingAway, "server shutting down")
			return
		case <-t.C():
		}
		now := clock.Now()
		steps, dropped, late := sched.due(now)
		if dropped > 0 {
			m.stats.dropped.Add(dropped)
			m.opts.metrics.dropped.Add(float64(dropped))
		}
		if steps > 0 {
			storeMax(&m.stats.maxLateNano, int64(late))
			m.opts.metrics.tickLateness.Observe(late.Seconds())
		}
		for range steps {
			began := clock.Now()
			ended := m.step()
			took := clock.Now().Sub(began)
			storeMax(&m.stats.maxStepNano, int64(took))
			m.opts.metrics.tickDuration.Observe(took.Seconds())
			if took > m.period {
				m.stats.overruns.Add(1)
				m.opts.metrics.overruns.Inc()
			}
			if ended {
				return
			}
		}
		if now.Sub(m.lastHousekeeping) >= time.Second {
			m.lastHousekeeping = now
			if m.housekeeping(now) {
				return
			}
		}
	}
}

// step runs one fixed step: membership changes, inputs, the world, events
// and, on snapshot ticks, a new view for every session. It reports whether
// the match ended.
func (m *Match) step() bool {
	m.drainControl()
	m.tick++
	m.currentTick.Store(m.tick)

	m.inputs = m.inputs[:0]
	for _, s := range m.sessions {
		s.takeInput()
		m.inputs = append(m.inputs, game.PlayerInput{Player: s.player, Input: s.held})
	}
	m.world.Step(m.tick, m.inputs)
	m.stats.ticks.Add(1)

	m.gameEvents = m.world.AppendEvents(m.gameEvents[:0])
	if len(m.gameEvents) > 0 {
		// The step's events are encoded into one new buffer, which every
		// session shares until its sender has written them: one allocation
		// a step, not one an event.
		m.outbox = m.outbox[:0]
		buf := make([]byte, 0, len(m.gameEvents)*maxEventSize)
		for _, e := range m.gameEvents {
			ev := protocol.Event{Tick: e.Tick, Kind: uint8(e.Kind), Actor: uint32(e.Actor), Target: uint32(e.Target), Value: e.Value, X: e.X, Y: e.Y}
			start := len(buf)
			buf = ev.Append(buf)
			m.outbox = append(m.outbox, buf[start:len(buf):len(buf)])
		}
		for _, s := range m.sessions {
			s.queueAll(m.outbox)
		}
		clear(m.outbox)
	}

	// Snapshot ticks are spread evenly for any ratio of rates.
	m.snapAcc += m.snapshotRate
	if m.snapAcc >= m.rules.TickRate() {
		m.snapAcc -= m.rules.TickRate()
		m.publishView()
	}

	if out := m.world.Outcome(); out.Ended {
		m.finish(out)
		return true
	}
	return false
}

// publishView makes the view of this tick and offers it to every session.
func (m *Match) publishView() {
	if len(m.sessions) == 0 {
		return
	}
	v := m.views.get()
	v.tick = m.tick
	m.gameView = m.world.AppendView(m.gameView[:0])
	for _, e := range m.gameView {
		v.entities = append(v.entities, protocol.Entity(e))
	}
	if m.opts.Interest != nil {
		v.grid.build(v.entities, m.opts.Interest.Cell)
	}
	m.ready = m.ready[:0]
	for _, s := range m.sessions {
		if s.offer(v, s.held.Seq) {
			m.ready = append(m.ready, s)
		}
	}
	if len(m.ready) > 0 {
		m.ready[0].pool.push(m.ready...) // one pool per server
	}
	clear(m.ready) // hold no session past the tick
	v.release()
	m.stats.snapshots.Add(1)
}

// broadcast queues a reliable message for every session, to go out with
// the next snapshot.
func (m *Match) broadcast(msg []byte) {
	for _, s := range m.sessions {
		s.queue(msg)
	}
}

// drainControl applies pending joins and leaves at the tick boundary.
func (m *Match) drainControl() {
	for {
		select {
		case s := <-m.joins:
			m.addSession(s)
		case d := <-m.leaves:
			m.removeSession(d.s, d.dropped)
		default:
			return
		}
	}
}

func (m *Match) addSession(s *session) {
	s.counts = m.counts // before anything is sent: the senders encode with it
	if s.resuming {
		m.resumeSession(s)
		return
	}
	id := m.allocPlayerID()
	if err := m.world.AddPlayer(id); err != nil {
		m.seats.Add(-1)
		s.joined <- err
		return
	}
	s.player = id
	s.name = cleanName(s.name, id)
	m.welcome(s)
	m.sessions = append(m.sessions, s)
	m.broadcast((&protocol.Join{Player: uint32(id), Name: s.name}).Append(nil))
	s.joined <- nil
}

// welcome queues a session's Welcome and the roster of the others.
func (m *Match) welcome(s *session) {
	welcome := protocol.Welcome{
		Version:      protocol.Version,
		Player:       uint32(s.player),
		Match:        m.id,
		TickRate:     uint32(m.rules.TickRate()),
		SnapshotRate: uint32(m.snapshotRate),
		Resume:       s.resume,
		Kinds:        m.welcomeKinds,
		Static:       wireStatic(m.rules.Static()),
	}
	s.send(welcome.Append(nil))
	for _, o := range m.sessions {
		s.send((&protocol.Join{Player: uint32(o.player), Name: o.name}).Append(nil))
	}
	for _, h := range m.held {
		s.send((&protocol.Join{Player: uint32(h.player), Name: h.name}).Append(nil))
	}
}

func (m *Match) removeSession(s *session, dropped bool) {
	i := m.indexOf(s)
	if i < 0 {
		return
	}
	m.sessions = append(m.sessions[:i], m.sessions[i+1:]...)
	if v, _ := s.take(); v != nil {
		v.release()
	}
	if len(m.sessions) == 0 {
		m.emptySince = m.opts.Clock.Now()
	}
	if dropped && m.opts.ResumeGrace > 0 && s.resume != "" {
		m.holdSeat(s)
		return
	}
	m.freeSeat(s.player, s.resume, s.nonce)
}

// freeSeat takes a player out of the world for good; its seat may be
// backfilled.
func (m *Match) freeSeat(player game.PlayerID, resume, nonce string) {
	m.world.RemovePlayer(player)
	m.seats.Add(-1)
	if resume != "" {
		m.resumes.Delete(resume)
	}
	if nonce != "" && m.opts.Seats != nil {
		m.opts.Seats.Leave(nonce) // the token is spent for good
	}
	m.broadcast((&protocol.Leave{Player: uint32(player)}).Append(nil))
}

func (m *Match) indexOf(s *session) int {
	for i, o := range m.sessions {
		if o == s {
			return i
		}
	}
	return -1
}

// allocPlayerID returns the next free player ID, wrapping within 1..65535 so
// IDs stay small and are not reused soon after a player leaves.
func (m *Match) allocPlayerID() game.PlayerID {
	for {
		id := m.nextPlayer
		m.nextPlayer++
		if m.nextPlayer > 65535 {
			m.nextPlayer = 1
		}
		inUse := false
		for _, s := range m.sessions {
			if s.player == id {
				inUse = true
				break
			}
		}
		for _, h := range m.held {
			if h.player == id {
				inUse = true
				break
			}
		}
		if !inUse {
			return id
		}
	}
}

// finish ends the match: every client gets the results, then a normal close.
func (m *Match) finish(out game.Outcome) {
	m.ending.Store(true)
	end := protocol.MatchEnd{Tick: m.tick, Reason: out.Reason, Winner: uint32(out.Winner)}
	for _, r := range out.Results {
		end.Results = append(end.Results, protocol.Result{Player: uint32(r.Player), Score: r.Score, Deaths: r.Deaths})
	}
	m.broadcast(end.Append(nil))
	m.closeAll(websocket.StatusNormalClosure, "match over")
}

// closeAll orders every session closed once its queued messages are out.
func (m *Match) closeAll(code websocket.StatusCode, reason string) {
	m.ending.Store(true)
	for _, s := range m.sessions {
		s.closeAfterQueued(code, reason)
	}
}

// housekeeping runs about once a second: it closes clients that stopped
// acknowledging snapshots and ends a match that has stayed empty. (A write
// that stalls is ended by its own deadline; see finishBatch.) It reports
// whether the match ended.
func (m *Match) housekeeping(now time.Time) bool {
	ackLimit := uint32(m.opts.AckTimeout / m.period)
	for _, s := range m.sessions {
		// The first snapshot written starts the clock: acked is 0 until
		// the client acknowledges one.
		if first := s.first.Load(); first != 0 && s.written.Load()-max(s.acked.Load(), first) > ackLimit {
			s.kick(websocket.StatusPolicyViolation, fmt.Sprintf("too slow: snapshots not acknowledged for %v", m.opts.AckTimeout))
		}
	}
	m.expireHeldSeats(now)
	if len(m.sessions) == 0 && len(m.held) == 0 && now.Sub(m.emptySince) >= emptyMatchLinger {
		m.ending.Store(true)
		if m.seats.Load() == 0 && len(m.joins) == 0 {
			return true
		}
		m.ending.Store(false)
	}
	return false
}

// exit runs when the loop ends: joins that raced with the end are refused
// and the match reports itself done.
func (m *Match) exit() {
	m.ending.Store(true)
	for _, s := range m.sessions {
		m.resumes.Delete(s.resume)
	}
	for token := range m.held {
		m.resumes.Delete(token)
	}
	close(m.done)
	for {
		select {
		case s := <-m.joins:
			m.seats.Add(-1)
			s.joined <- errMatchEnded
		default:
			return
		}
	}
}

func storeMax(a *atomic.Int64, v int64) {
	for {
		old := a.Load()
		if v <= old || a.CompareAndSwap(old, v) {
			return
		}
	}
}

// addSkill and meanSkill keep the mean rating of the players assigned to
// the match, which backfill matches against. The Server's mu is held.
func (m *Match) addSkill(skill float64) {
	m.skillSum += skill
	m.skillSeen++
}

func (m *Match) meanSkill() float64 {
	if m.skillSeen == 0 {
		return 0
	}
	return m.skillSum / m.skillSeen
}
