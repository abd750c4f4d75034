package match

import (
	"errors"
	"sync/atomic"
	"time"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/protocol"
)

// Spectating errors.
var (
	// ErrNoSpectators: the match takes no spectators (Options.MaxSpectators
	// negative, or no Audience to show them the match).
	ErrNoSpectators = errors.New("match: spectating is off")
	// ErrSpectatorsFull: the match has Options.MaxSpectators already.
	ErrSpectatorsFull = errors.New("match: no room for another spectator")
)

// Spectator is a spectator's connection as the match sees it. Like Peer,
// the loop calls it and no method may wait. A spectator takes no seat and
// has no player: everything it is told of the match but its Watching and
// first roster comes through the Audience, delayed.
type Spectator interface {
	// Send sends a message now: the Watching and the roster.
	Send(msg []byte)
	// Close closes the connection once everything sent and shown to it
	// before is out.
	Close(code protocol.CloseCode, reason string)
	// Detach tells the spectator the match let it go: it releases any
	// view it has not sent.
	Detach()
}

// Audience shows a match's delayed views to its spectators: the transport
// encodes each view once for all of them rather than once per spectator.
type Audience interface {
	// Show hands the spectators msgs, the reliable messages (events,
	// joins, leaves, the match's end) due before v, then v, the view they
	// see now; v is nil when only messages are due, which then follow the
	// view shown last. base is the view shown before v (nil: none), the
	// baseline of a delta shared by every spectator that was shown it. A
	// spectator that keeps a view retains it; msgs are not changed after.
	// The spectators must get msgs and v in this order, after everything
	// shown before. Tick only; it must not wait.
	Show(v, base *View, msgs [][]byte, spectators []Spectator)
}

// SpectateRequest asks a match to take a spectator.
type SpectateRequest struct {
	Spectator Spectator
	// Cancel is closed when the connection ends: Spectate stops waiting.
	Cancel <-chan struct{}
}

type spectateRequest struct {
	SpectateRequest
	answer chan error
}

// delayedView is what waits out the spectator delay: a view, with the
// messages of the steps up to it and the roster changes among them; or,
// with v nil, the last messages of a match that ended (its MatchEnd).
type delayedView struct {
	v      *View
	tick   uint32
	msgs   [][]byte
	roster []rosterChange
}

// rosterChange is a Join (leave false) or a Leave on its way to the
// spectators.
type rosterChange struct {
	id    game.PlayerID
	name  string
	leave bool
}

// rosterEntry is a player as the spectators know it.
type rosterEntry struct {
	id   game.PlayerID
	name string
}

// spectating is the loop's spectator state: who watches, what they are
// yet to see and the view shown last. Loop only, but for count.
type spectating struct {
	joins  chan *spectateRequest
	leaves chan Spectator
	count  atomic.Int32 // len(list), for Stats from any goroutine

	list    []Spectator
	delayed []delayedView  // oldest first
	msgs    [][]byte       // the messages since the last view
	changes []rosterChange // the roster changes among msgs
	shown   *View          // the last view shown: the next one's baseline
	// roster is the players as of what the spectators were last shown:
	// what a spectator coming in now is told.
	roster []rosterEntry

	// ending is how the spectators are closed once the match that ended
	// has been played out to them; playing says the match is playing out
	// (its loop has ended).
	ending  *stopOrder
	playing bool
}

// Spectate hands a spectator to the loop and waits until the match took
// it (its Watching and the roster are then queued on it) or refused it
// (ErrEnded, ErrGone, ErrNoSpectators, ErrSpectatorsFull).
func (m *Match) Spectate(req SpectateRequest) error {
	if !m.Spectatable() {
		return ErrNoSpectators
	}
	r := &spectateRequest{SpectateRequest: req, answer: make(chan error, 1)}
	select {
	case <-m.done:
		return ErrEnded
	default:
	}
	select {
	case m.spec.joins <- r:
	case <-m.done:
		return ErrEnded
	case <-req.Cancel:
		return ErrGone
	}
	select {
	case err := <-r.answer:
		return err
	case <-m.done:
		select {
		case err := <-r.answer:
			return err
		default:
			return ErrEnded
		}
	}
}

// Unspectate takes a spectator out of the match at the next tick boundary
// (or beat, while the match plays out). It never blocks past the match's
// end. Any goroutine.
func (m *Match) Unspectate(s Spectator) {
	select {
	case m.spec.leaves <- s: // read by the loop, and while playing out
		return
	default:
	}
	select {
	case m.spec.leaves <- s:
	case <-m.done:
	}
}

// Spectatable reports whether the match takes spectators at all. Any
// goroutine.
func (m *Match) Spectatable() bool {
	return m.opts.MaxSpectators > 0 && m.opts.Audience != nil
}

// Spectators is how many spectators watch the match. Any goroutine.
func (m *Match) Spectators() int { return int(m.spec.count.Load()) }

// addSpectator takes a spectator in at the tick boundary, telling it the
// roster as of the view it will be shown first.
func (m *Match) addSpectator(r *spectateRequest) error {
	if len(m.spec.list) >= m.opts.MaxSpectators {
		return ErrSpectatorsFull
	}
	if len(m.spec.list) == 0 {
		// Nothing waits in the delay: its first view is made from now on.
		m.spec.roster = m.spec.roster[:0]
		for _, o := range m.players {
			m.spec.roster = append(m.spec.roster, rosterEntry{o.id, o.name})
		}
		for _, h := range m.seats.heldPlayers(nil) {
			m.spec.roster = append(m.spec.roster, rosterEntry{h.id, h.name})
		}
	}
	s := r.Spectator
	w := protocol.Watching{
		Version:      protocol.Version,
		Match:        m.id,
		TickRate:     uint32(m.rules.TickRate()),
		SnapshotRate: uint32(m.snapshotRate),
		DelayMs:      uint32(m.spectateDelay().Milliseconds()),
		Kinds:        m.schema.Kinds,
		Static:       m.schema.Static,
	}
	s.Send(w.Append(nil))
	for _, o := range m.spec.roster {
		s.Send((&protocol.Join{Player: uint32(o.id), Name: o.name}).Append(nil))
	}
	m.spec.list = append(m.spec.list, s)
	m.spec.count.Store(int32(len(m.spec.list)))
	return nil
}

// removeSpectator lets a spectator go; the last one empties the delay
// buffer, which only spectators pay for.
func (m *Match) removeSpectator(s Spectator) {
	for i, o := range m.spec.list {
		if o == s {
			last := len(m.spec.list) - 1
			copy(m.spec.list[i:], m.spec.list[i+1:])
			m.spec.list[last] = nil // hold no connection past its leave
			m.spec.list = m.spec.list[:last]
			s.Detach()
			break
		}
	}
	m.spec.count.Store(int32(len(m.spec.list)))
	if len(m.spec.list) == 0 {
		m.dropDelayed()
	}
}

// dropSpectators closes and lets go of every spectator now, with what
// waits for them.
func (m *Match) dropSpectators(code protocol.CloseCode, reason string) {
	m.letSpectatorsGo(code, reason, true)
}

// letSpectatorsGo closes every spectator and forgets it, with what waits
// for them. detach makes them drop what they have not sent; without, they
// send it first (the end of a play-out: the last view and the MatchEnd
// were just shown) and let go of it when their connection ends.
func (m *Match) letSpectatorsGo(code protocol.CloseCode, reason string, detach bool) {
	for _, s := range m.spec.list {
		s.Close(code, reason)
		if detach {
			s.Detach()
		}
	}
	clear(m.spec.list)
	m.spec.list = m.spec.list[:0]
	m.spec.count.Store(0)
	m.dropDelayed()
}

// dropDelayed releases every view and message waiting for spectators.
func (m *Match) dropDelayed() {
	for _, d := range m.spec.delayed {
		if d.v != nil {
			d.v.Release()
		}
	}
	clear(m.spec.delayed)
	m.spec.delayed = m.spec.delayed[:0]
	m.spec.msgs, m.spec.changes = nil, nil
	if m.spec.shown != nil {
		m.spec.shown.Release()
		m.spec.shown = nil
	}
}

// spectateDelay is how far behind the match its spectators see it.
func (m *Match) spectateDelay() time.Duration { return max(m.opts.SpectateDelay, 0) }

// forSpectators delays a reliable message for the spectators, with the
// next view. Joins and Leaves also change the roster they are told of
// once it is shown. Loop only.
func (m *Match) forSpectators(msg []byte) {
	if len(m.spec.list) == 0 {
		return
	}
	m.spec.msgs = append(m.spec.msgs, msg)
	switch typ, _ := protocol.PeekType(msg); typ {
	case protocol.MsgJoin:
		var j protocol.Join
		if j.Decode(msg) == nil {
			m.spec.changes = append(m.spec.changes, rosterChange{id: game.PlayerID(j.Player), name: j.Name})
		}
	case protocol.MsgLeave:
		var l protocol.Leave
		if l.Decode(msg) == nil {
			m.spec.changes = append(m.spec.changes, rosterChange{id: game.PlayerID(l.Player), leave: true})
		}
	}
}

// showSpectators buffers v (the caller's reference stays the caller's)
// with the messages since the last view, and shows the spectators what has
// waited out the delay. Tick only.
func (m *Match) showSpectators(v *View) {
	v.Retain()
	m.delay(v)
	m.showDue()
}

// delay puts v (the buffer takes over a reference; nil: the match's last
// messages) and the messages since the last one in the delay buffer.
func (m *Match) delay(v *View) {
	m.spec.delayed = append(m.spec.delayed, delayedView{v: v, tick: m.tick, msgs: m.spec.msgs, roster: m.spec.changes})
	m.spec.msgs, m.spec.changes = nil, nil
}

// showDue shows the spectators everything that has waited out the delay:
// the newest view due, after the messages of every one due (several are
// due at once only after a stall: the spectators skip to the newest), then
// the match's last messages when those are due. It reports whether the
// last messages were shown. Loop only.
func (m *Match) showDue() (last bool) {
	delayTicks := uint32(m.spectateDelay().Nanoseconds() / int64(m.period))
	n := 0
	for n < len(m.spec.delayed) && m.spec.delayed[n].tick+delayTicks <= m.tick {
		n++
	}
	if n == 0 {
		return false
	}
	due := m.spec.delayed[:n]
	var tail *delayedView
	if due[n-1].v == nil {
		tail, due = &due[n-1], due[:n-1]
	}
	if len(due) > 0 {
		msgs := due[0].msgs
		for _, d := range due[1:] {
			msgs = append(msgs, d.msgs...)
		}
		for _, d := range due {
			m.applyRoster(d.roster)
		}
		view := due[len(due)-1].v
		for _, d := range due[:len(due)-1] {
			d.v.Release()
		}
		m.opts.Audience.Show(view, m.spec.shown, msgs, m.spec.list)
		if m.spec.shown != nil {
			m.spec.shown.Release()
		}
		m.spec.shown = view // the buffer's reference passes to shown
	}
	if tail != nil && (len(tail.msgs) > 0 || len(due) == 0) {
		m.applyRoster(tail.roster)
		m.opts.Audience.Show(nil, m.spec.shown, tail.msgs, m.spec.list)
	}
	rest := copy(m.spec.delayed, m.spec.delayed[n:])
	clear(m.spec.delayed[rest:])
	m.spec.delayed = m.spec.delayed[:rest]
	return tail != nil
}

// applyRoster changes the roster the spectators know by what they were
// just shown.
func (m *Match) applyRoster(changes []rosterChange) {
	for _, c := range changes {
		r := m.spec.roster[:0]
		for _, e := range m.spec.roster {
			if e.id != c.id {
				r = append(r, e)
			}
		}
		m.spec.roster = r
		if !c.leave {
			m.spec.roster = append(m.spec.roster, rosterEntry{c.id, c.name})
		}
	}
}

// lastViewForSpectators delays a last view, of the match's final tick,
// unless one of it waits already: the spectators see the match to its
// very end. Loop only.
func (m *Match) lastViewForSpectators() {
	if len(m.spec.list) == 0 {
		return
	}
	newest := uint32(0)
	if n := len(m.spec.delayed); n > 0 {
		newest = m.spec.delayed[n-1].tick
	} else if m.spec.shown != nil {
		newest = m.spec.shown.Tick
	}
	if newest < m.tick {
		m.delay(m.makeView()) // with the last steps' messages
	}
}

// endForSpectators delays the match's last messages (its MatchEnd), then
// the spectators' close with code and reason: the match plays out to
// them (see playOut). Loop only.
func (m *Match) endForSpectators(code protocol.CloseCode, reason string) {
	if len(m.spec.list) == 0 || m.spec.ending != nil {
		return
	}
	m.spec.ending = &stopOrder{code: code, reason: reason}
	m.delay(nil)
}

// playOut is a beat of a match whose loop has ended but whose spectators
// still have its last delay to see: its clock runs on (the world does
// not step; it holds no seat and its Done is closed) and what is due is
// shown at the tick spacing it was made at, then the spectators are
// closed. A Stop closes them at once. It reports whether the play-out is
// over. Beat goroutine.
func (m *Match) playOut() bool {
	select {
	case o := <-m.stopc:
		m.dropSpectators(o.code, o.reason)
		return true
	default:
	}
	for {
		select {
		case s := <-m.spec.leaves:
			m.removeSpectator(s)
			continue
		default:
		}
		break
	}
	if len(m.spec.list) == 0 {
		return true
	}
	steps, dropped, _ := m.sched.due(m.opts.Clock.Now())
	m.tick += uint32(steps) + uint32(dropped)
	if !m.showDue() {
		return false
	}
	m.letSpectatorsGo(m.spec.ending.code, m.spec.ending.reason, false)
	return true
}
