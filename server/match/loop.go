package match

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/protocol"
)

// maxEventSize bounds an encoded Event: a fixarray, a type and seven
// integers of at most nine bytes each.
const maxEventSize = 2 + 7*9

// Start puts the match on its host's metronome (Options.Metronome): it
// steps from the next beat until the world ends the match, Stop or End is
// called, or the match has stayed empty for a while; Done is closed then.
// Call it once.
func (m *Match) Start() {
	now := m.opts.Clock.Now()
	m.started = now
	m.emptySince, m.lastHousekeeping = now, now
	m.mt.add(m)
}

// Run is Start, then waits until the match has ended.
func (m *Match) Run() {
	m.Start()
	<-m.done
}

// anchor sets the match's schedule on its metronome's grid (beats at start
// plus whole periods), from the last grid time at or before the match
// started: its first step is due on the next beat. Its snapshot ticks are
// put in phase with the grid, so every match of a tick rate publishes on
// the same beats and the senders wake once for all of them. Beat goroutine,
// before the match's first beat.
func (m *Match) anchor(start time.Time, period time.Duration) {
	n := max(0, m.started.Sub(start)/period)
	m.sched = newSchedule(start.Add(n*period), m.period, m.opts.MaxCatchUp)
	if period == m.period {
		m.snapAcc = int(uint64(n) * uint64(m.snapshotRate) % uint64(m.rules.TickRate()))
	}
}

// beat is one beat of the metronome for this match: a pending Stop or End,
// the steps due now, and housekeeping about once a second. It reports
// whether the match ended; the caller then calls exit. The peers made
// ready by snapshot ticks are left in m.ready for the caller to dispatch.
func (m *Match) beat() bool {
	if m.spec.playing {
		return m.playOut()
	}
	select {
	case o := <-m.stopc:
		if o.end != "" {
			out := m.world.Outcome()
			out.Ended, out.Reason = true, o.end
			if out.Winner == 0 && len(out.Results) > 0 {
				out.Winner = out.Results[0].Player
			}
			m.finish(out, o.code, o.reason)
			return true
		}
		m.closeAll(o.code, o.reason)
		return true
	default:
	}
	clock := m.opts.Clock
	now := clock.Now()
	steps, dropped, late := m.sched.due(now)
	if dropped > 0 {
		m.stats.dropped.Add(dropped)
		m.opts.Metrics.dropped.Add(float64(dropped))
		// The snapshot phase moves on with the dropped steps, so a
		// match that stalled publishes on the same beats as the others.
		rate := uint64(m.rules.TickRate())
		m.snapAcc = int((uint64(m.snapAcc) + dropped%rate*uint64(m.snapshotRate)) % rate)
	}
	if steps > 0 {
		storeMax(&m.stats.maxLateNano, int64(late))
		m.opts.Metrics.tickLateness.Observe(late.Seconds())
	}
	for range steps {
		began := clock.Now()
		ended := m.step()
		took := clock.Now().Sub(began)
		storeMax(&m.stats.maxStepNano, int64(took))
		m.opts.Metrics.tickDuration.Observe(took.Seconds())
		if took > m.period {
			m.stats.overruns.Add(1)
			m.opts.Metrics.overruns.Inc()
		}
		if ended {
			return true
		}
	}
	if now.Sub(m.lastHousekeeping) >= time.Second {
		m.lastHousekeeping = now
		if m.housekeeping(now) {
			return true
		}
	}
	return false
}

// step runs one fixed step: membership changes, inputs, the world, events
// and, on snapshot ticks, a new view for every peer. It reports whether
// the match ended.
func (m *Match) step() bool {
	m.drainControl()
	m.tick++
	m.currentTick.Store(m.tick)

	m.inputs = m.inputs[:0]
	for _, p := range m.players {
		if seen, fresh := p.takeInput(); fresh {
			p.current.Rewind = m.rewind(seen)
		}
		m.inputs = append(m.inputs, game.PlayerInput{Player: p.id, Input: p.current})
	}
	m.world.Step(m.tick, m.inputs)
	m.stats.ticks.Add(1)
	if r := m.opts.Recorder; r != nil {
		r.Step(m.tick, m.inputs, m.world)
	}

	m.gameEvents = m.world.AppendEvents(m.gameEvents[:0])
	if len(m.gameEvents) > 0 {
		// The step's events are encoded into one new buffer, which every
		// peer shares until it has written them: one allocation a step,
		// not one an event.
		m.outbox = m.outbox[:0]
		buf := make([]byte, 0, len(m.gameEvents)*maxEventSize)
		for _, e := range m.gameEvents {
			ev := protocol.Event{Tick: e.Tick, Kind: uint8(e.Kind), Actor: uint32(e.Actor), Target: uint32(e.Target), Value: e.Value, X: e.X, Y: e.Y}
			start := len(buf)
			buf = ev.Append(buf)
			m.outbox = append(m.outbox, buf[start:len(buf):len(buf)])
		}
		for _, p := range m.players {
			p.peer.QueueAll(m.outbox)
		}
		if len(m.spec.list) > 0 {
			// Spectators get the events with the view of their tick.
			m.spec.msgs = append(m.spec.msgs, m.outbox...)
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
		m.finish(out, protocol.CloseNormal, "match over")
		return true
	}
	return false
}

// publishView makes the view of this tick and offers it to every peer.
func (m *Match) publishView() {
	if len(m.players) == 0 && len(m.spec.list) == 0 {
		return
	}
	v := m.makeView()
	// The peers go to the Dispatcher after the beat, with those of every
	// other match of the beat (runGroup).
	for _, p := range m.players {
		if p.peer.Offer(v, p.current.Seq) {
			m.ready = append(m.ready, p.peer)
		}
	}
	if len(m.spec.list) > 0 {
		m.showSpectators(v)
	}
	v.Release()
	m.stats.snapshots.Add(1)
}

// makeView makes the view of this tick; the caller holds its reference.
func (m *Match) makeView() *View {
	v := m.views.get()
	v.Tick = m.tick
	m.gameView = m.world.AppendView(m.gameView[:0])
	for _, e := range m.gameView {
		v.Entities = append(v.Entities, protocol.Entity(e))
	}
	if m.opts.GridCell > 0 {
		v.grid.build(v.Entities, m.opts.GridCell)
	}
	return v
}

// broadcast queues a reliable message for every peer, to go out with the
// next snapshot, and for the spectators, to go out with the delayed view
// of this tick.
func (m *Match) broadcast(msg []byte) {
	for _, p := range m.players {
		p.peer.Queue(msg)
	}
	m.forSpectators(msg)
}

// finish ends the match: every client gets the results, then a close.
func (m *Match) finish(out game.Outcome, code protocol.CloseCode, reason string) {
	m.seats.setEnding(false)
	m.result.Store(m.resultOf(out))
	if r := m.opts.Recorder; r != nil {
		r.End(m.tick, out)
	}
	end := protocol.MatchEnd{Tick: m.tick, Reason: out.Reason, Winner: uint32(out.Winner)}
	for _, r := range out.Results {
		end.Results = append(end.Results, protocol.Result{Player: uint32(r.Player), Score: r.Score, Deaths: r.Deaths})
	}
	m.lastViewForSpectators() // the end follows the last of the play
	m.broadcast(end.Append(nil))
	m.closePlayers(code, reason)
	m.endForSpectators(code, reason)
}

// closePlayers orders every player closed once its queued messages are
// out.
func (m *Match) closePlayers(code protocol.CloseCode, reason string) {
	m.seats.setEnding(false)
	for _, p := range m.players {
		p.peer.Close(code, reason)
	}
}

// closeAll orders every player closed once its queued messages are out,
// and every spectator at once: the match is stopped, not over.
func (m *Match) closeAll(code protocol.CloseCode, reason string) {
	m.closePlayers(code, reason)
	m.dropSpectators(code, reason)
}

// housekeeping runs about once a second: it closes clients that stopped
// acknowledging snapshots, releases seats whose time is up and ends a
// match that has stayed empty. It reports whether the match ended.
func (m *Match) housekeeping(now time.Time) bool {
	ackLimit := uint32(m.opts.AckTimeout / m.period)
	for i := len(m.players) - 1; i >= 0; i-- {
		if p := m.players[i]; p.peer.Lagging(ackLimit) {
			// A client that stopped acknowledging is stalled, not
			// abusive: its seat is held for the grace period, as after
			// a drop, so it may resume.
			m.removePlayer(p, true)
			p.peer.Abort(protocol.ClosePolicyViolation, fmt.Sprintf("too slow: snapshots not acknowledged for %v", m.opts.AckTimeout))
		}
	}
	m.expired = m.seats.expire(now, m.expired[:0])
	for _, p := range m.expired {
		m.removeFromWorld(p.id)
	}
	clear(m.expired)
	linger := emptyMatchLinger
	if m.noLinger.Load() {
		linger = 0
	}
	if len(m.players) == 0 && now.Sub(m.emptySince) >= linger && len(m.joins) == 0 {
		// Ending only while no seat is reserved: a player may be on the way.
		return m.seats.setEnding(true)
	}
	return false
}

// exit runs when the loop ends: every seat is released, joins that raced
// with the end are refused, and the match reports itself done. Spectators
// still to be shown the match's last delay are then played out to on the
// metronome (playOut): exit reports whether the match is done with it.
// Called again when the play-out is over.
func (m *Match) exit() (over bool) {
	if m.spec.playing {
		return true // played out: playOut closed the spectators
	}
	m.seats.releaseAll()
	if len(m.spec.list) > 0 && m.spec.ending == nil {
		// It ended empty: the spectators see the last of it too.
		m.lastViewForSpectators()
		m.endForSpectators(protocol.CloseNormal, "match over: no players left")
	}
	if r := m.opts.Recorder; r != nil {
		r.Close(m.tick)
	}
	close(m.done)
	for {
		select {
		case r := <-m.joins:
			r.answer <- joinAnswer{err: ErrEnded}
			continue
		case r := <-m.spec.joins:
			r.answer <- ErrEnded
			continue
		default:
		}
		break
	}
	if len(m.spec.list) == 0 {
		m.dropDelayed()
		return true
	}
	// What is due now (everything, with no delay) is shown at once.
	if m.showDue() {
		m.letSpectatorsGo(m.spec.ending.code, m.spec.ending.reason, false)
		return true
	}
	m.spec.playing = true
	return false
}

func storeMax(a *atomic.Int64, v int64) {
	for {
		old := a.Load()
		if v <= old || a.CompareAndSwap(old, v) {
			return
		}
	}
}
