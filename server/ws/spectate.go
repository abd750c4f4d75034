package ws

import (
	"errors"
	"sync"
	"sync/atomic"

	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/match"
)

// Watcher takes spectators: the admission side of spectating, which an
// Admitter may offer. Watch hands peer to the match sp names and returns
// it; a refusal's error carries the protocol.CloseError the spectator is
// closed with.
type Watcher interface {
	Watch(sp protocol.Spectate, peer match.Spectator, cancel <-chan struct{}) (*match.Match, error)
}

// frame is one delayed view as every spectator of a match is sent it: a
// delta against the view shown before, encoded once by the first sender
// that needs it, and a full keyframe, encoded once only if some spectator
// needs it (it just joined, or skipped the previous frame). Reference
// counted: the spectators' mailboxes hold it, and the last to let go
// releases its views.
type frame struct {
	h          *Handler
	view, base *match.View // base may be nil
	refs       atomic.Int32

	deltaOnce, keyOnce sync.Once
	delta, key         []byte
}

func (f *frame) release() {
	if f.refs.Add(-1) == 0 {
		f.view.Release()
		if f.base != nil {
			f.base.Release()
		}
	}
}

// bytes returns the frame for a spectator that was last written the
// frame of tick last (0: none): the shared delta when it holds the base,
// else the shared keyframe.
func (f *frame) bytes(last uint32) []byte {
	if f.base != nil && last == f.base.Tick {
		f.deltaOnce.Do(func() {
			f.delta = protocol.AppendSnapshot(nil, f.view.Tick, f.base.Tick, 0, f.base.Entities, f.view.Entities, f.view.Counts)
			f.h.metrics.spectatorEncodes.WithLabelValues("delta").Inc()
		})
		return f.delta
	}
	f.keyOnce.Do(func() {
		f.key = protocol.AppendSnapshot(nil, f.view.Tick, 0, 0, nil, f.view.Entities, f.view.Counts)
		f.h.metrics.spectatorEncodes.WithLabelValues("key").Inc()
	})
	return f.key
}

// audience is the adapter's match.Audience.
type audience struct{ h *Handler }

// Audience is what the matches show their delayed views to
// (match.Options.Audience).
func (h *Handler) Audience() match.Audience { return audience{h} }

// Show puts one shared frame of v in every spectator's mailbox and queues
// those that need a sender. It never waits: no encode happens here.
func (a audience) Show(v, base *match.View, spectators []match.Spectator) {
	f := &frame{h: a.h, view: v, base: base}
	v.Retain()
	if base != nil {
		base.Retain()
	}
	f.refs.Store(1) // Show's own, dropped below
	var stack [64]*session
	ready := stack[:0]
	for _, sp := range spectators {
		s, ok := sp.(*session)
		if !ok {
			continue // not this adapter's
		}
		if s.offerFrame(f) {
			ready = append(ready, s)
		}
	}
	a.h.pool.dispatchSessions(ready)
	clear(ready)
	f.release()
}

// offerFrame puts f in the spectator's mailbox, replacing (and skipping)
// an untaken one. Tick only.
func (s *session) offerFrame(f *frame) bool {
	f.refs.Add(1)
	s.boxMu.Lock()
	old := s.boxFrame
	s.boxFrame = f
	s.boxMu.Unlock()
	if old != nil {
		old.release()
		s.stats.skipped.Add(1)
		s.h.metrics.skipped.Inc()
	}
	return s.schedule()
}

// takeFrame empties the spectator's mailbox.
func (s *session) takeFrame() *frame {
	s.boxMu.Lock()
	f := s.boxFrame
	s.boxFrame = nil
	s.boxMu.Unlock()
	return f
}

// writeFrame writes a frame's shared bytes: the delta when the spectator
// holds its base, else the keyframe (it joined, or skipped a frame). It
// takes over the caller's reference.
func (s *session) writeFrame(f *frame) {
	defer f.release()
	b := f.bytes(s.snap.lastFrame)
	if !s.write(b) {
		return
	}
	s.snap.lastFrame = f.view.Tick
	s.written.Store(f.view.Tick)
	s.stats.snapshots.Add(1)
	s.h.metrics.snapshots.Inc()
}

// seatSpectator hands a spectator to the match its Spectate names. false:
// refused, and closed.
func (h *Handler) seatSpectator(s *session, sp protocol.Spectate) bool {
	w, ok := h.admit.(Watcher)
	if !ok {
		s.close(protocol.CloseUnknownMatch, "this server takes no spectators", handshakeInline)
		return false
	}
	s.watcher.Store(true)
	m, err := w.Watch(sp, s, s.done)
	if err != nil {
		var ce protocol.CloseError
		if !errors.As(err, &ce) {
			h.opts.Logger.Warn("spectator refused", "match", sp.Match, "err", err)
			ce = protocol.CloseError{Code: protocol.CloseTryAgainLater, Reason: "the match could not take a spectator"}
		}
		s.close(ce.Code, ce.Reason, handshakeInline)
		return false
	}
	s.m.Store(m)
	s.seated(m, nil)
	h.opts.Logger.Info("spectator joined", "match", m.ID())
	return true
}
