package servertest

import (
	"sync"
	"time"

	"github.com/skirmishgg/skirmish/server/match"
)

// Shown is one view an Audience was handed.
type Shown struct {
	Tick, Base uint32 // Base 0: none
	Spectators int
	Entities   []uint32 // the IDs of the view's entities
}

// Audience is an in-memory match.Audience: it records what it was shown.
// It is safe for concurrent use.
type Audience struct {
	mu    sync.Mutex
	shown []Shown
}

var _ match.Audience = (*Audience)(nil)

// Show records v (nil: messages only) and hands msgs, then v, to the
// spectators that are Peers.
func (a *Audience) Show(v, base *match.View, msgs [][]byte, spectators []match.Spectator) {
	for _, sp := range spectators {
		if p, ok := sp.(*Peer); ok && len(msgs) > 0 {
			p.QueueAll(msgs)
		}
	}
	if v == nil {
		return
	}
	s := Shown{Tick: v.Tick, Spectators: len(spectators)}
	if base != nil {
		s.Base = base.Tick
	}
	for _, e := range v.Entities {
		s.Entities = append(s.Entities, e.ID)
	}
	for _, sp := range spectators {
		if p, ok := sp.(*Peer); ok {
			p.shown(v.Tick)
		}
	}
	a.mu.Lock()
	a.shown = append(a.shown, s)
	a.mu.Unlock()
}

// Shown returns every view shown so far, in order.
func (a *Audience) Shown() []Shown {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]Shown(nil), a.shown...)
}

// Spectate adds a spectator with an in-memory peer (Peer implements
// match.Spectator), advancing the clock until the loop answered.
func (m *Match) Spectate() (*Peer, error) {
	m.t.Helper()
	peer := &Peer{Clock: m.Clock}
	done := make(chan error, 1)
	go func() { done <- m.Match.Spectate(match.SpectateRequest{Spectator: peer}) }()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); {
		m.Advance(1)
		select {
		case err := <-done:
			return peer, err
		case <-time.After(time.Millisecond):
		}
	}
	m.t.Fatal("spectate not answered")
	return nil, nil
}

// Unspectate takes a spectator out at the next step, which it runs.
func (m *Match) Unspectate(s match.Spectator) {
	m.t.Helper()
	m.Match.Unspectate(s)
	m.Advance(1)
}
