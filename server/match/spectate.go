package match

import (
	"errors"
	"sync/atomic"
	"time"

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
// has no player: it is sent the match's roster, its delayed events and,
// through the Audience, its delayed views.
type Spectator interface {
	// Send and Queue are Peer's: reliable messages, now or with the
	// next view.
	Send(msg []byte)
	Queue(msg []byte)
	QueueAll(msgs [][]byte)
	// Close closes the connection once everything queued is out.
	Close(code protocol.CloseCode, reason string)
	// Detach tells the spectator the match let it go: it releases any
	// view it has not sent.
	Detach()
}

// Audience shows a match's delayed views to its spectators: the transport
// encodes each view once for all of them rather than once per spectator.
type Audience interface {
	// Show hands v, the view spectators see now, to every spectator; base
	// is the view shown before it (nil: none), the baseline of a delta
	// shared by every spectator that was shown it. A spectator that keeps
	// a view retains it. Tick only; it must not wait.
	Show(v, base *View, spectators []Spectator)
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

// delayedView is a view waiting out the spectator delay, with the events
// of the steps up to it.
type delayedView struct {
	v      *View
	events [][]byte
}

// spectating is the loop's spectator state: who watches, the views they
// are yet to see and the one shown last. Loop only, but for count.
type spectating struct {
	joins  chan *spectateRequest
	leaves chan Spectator
	count  atomic.Int32 // len(list), for Stats from any goroutine

	list    []Spectator
	delayed []delayedView // oldest first
	events  [][]byte      // the events of the steps since the last view
	shown   *View         // the last view shown: the next one's baseline
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

// Unspectate takes a spectator out of the match at the next tick
// boundary. It never blocks past the match's end. Any goroutine.
func (m *Match) Unspectate(s Spectator) {
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

// addSpectator takes a spectator in at the tick boundary.
func (m *Match) addSpectator(r *spectateRequest) error {
	if len(m.spec.list) >= m.opts.MaxSpectators {
		return ErrSpectatorsFull
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
	for _, o := range m.players {
		s.Send((&protocol.Join{Player: uint32(o.id), Name: o.name}).Append(nil))
	}
	for _, h := range m.seats.heldPlayers(nil) {
		s.Send((&protocol.Join{Player: uint32(h.id), Name: h.name}).Append(nil))
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

// dropDelayed releases every view waiting for spectators.
func (m *Match) dropDelayed() {
	for _, d := range m.spec.delayed {
		d.v.Release()
	}
	clear(m.spec.delayed)
	m.spec.delayed = m.spec.delayed[:0]
	m.spec.events = nil
	if m.spec.shown != nil {
		m.spec.shown.Release()
		m.spec.shown = nil
	}
}

// spectateDelay is how far behind the match its spectators see it.
func (m *Match) spectateDelay() time.Duration { return max(m.opts.SpectateDelay, 0) }

// showSpectators buffers v (the caller's reference stays the caller's)
// and shows the spectators the newest view that has waited out the delay,
// with the events up to it. Tick only.
func (m *Match) showSpectators(v *View) {
	v.Retain()
	m.spec.delayed = append(m.spec.delayed, delayedView{v: v, events: m.spec.events})
	m.spec.events = nil
	delayTicks := uint32(m.spectateDelay().Nanoseconds() / int64(m.period))
	n := 0
	for n < len(m.spec.delayed) && m.spec.delayed[n].v.Tick+delayTicks <= m.tick {
		n++
	}
	if n == 0 {
		return
	}
	// Several views come due at once only after a stall: the spectators
	// skip to the newest, with every event.
	for _, d := range m.spec.delayed[:n] {
		for _, s := range m.spec.list {
			if len(d.events) > 0 {
				s.QueueAll(d.events)
			}
		}
	}
	due := m.spec.delayed[n-1].v
	for _, d := range m.spec.delayed[:n-1] {
		d.v.Release()
	}
	m.opts.Audience.Show(due, m.spec.shown, m.spec.list)
	if m.spec.shown != nil {
		m.spec.shown.Release()
	}
	m.spec.shown = due // the buffer's reference passes to shown
	rest := copy(m.spec.delayed, m.spec.delayed[n:])
	clear(m.spec.delayed[rest:])
	m.spec.delayed = m.spec.delayed[:rest]
}
