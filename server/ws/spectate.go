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
// closed with. Unwatch lets go of an accepted spectator once its
// connection has ended (the match's Unspectate and whatever the admission
// counted).
type Watcher interface {
	Watch(sp protocol.Spectate, peer match.Spectator, cancel <-chan struct{}) (*match.Match, error)
	Unwatch(m *match.Match, peer match.Spectator)
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
			f.delta = f.view.AppendDeltaBody(protocol.AppendSnapshotHeader(nil, f.view.Tick, f.base.Tick, 0), f.base)
			f.h.metrics.spectatorEncodes.WithLabelValues("delta").Inc()
		})
		return f.delta
	}
	f.keyOnce.Do(func() {
		f.key = f.view.AppendDeltaBody(protocol.AppendSnapshotHeader(nil, f.view.Tick, 0, 0), nil)
		f.h.metrics.spectatorEncodes.WithLabelValues("key").Inc()
	})
	return f.key
}

// audience is the adapter's match.Audience.
type audience struct{ h *Handler }

// Audience is what the matches show their delayed views to
// (match.Options.Audience).
func (h *Handler) Audience() match.Audience { return audience{h} }

// Show puts msgs and one shared frame of v (nil: messages only) in every
// spectator's mailbox and queues those that need a sender. It never
// waits: no encode happens here.
func (a audience) Show(v, base *match.View, msgs [][]byte, spectators []match.Spectator) {
	var f *frame
	if v != nil {
		f = &frame{h: a.h, view: v, base: base}
		v.Retain()
		if base != nil {
			base.Retain()
		}
		f.refs.Store(1) // Show's own, dropped below
	}
	var stack [64]*session
	ready := stack[:0]
	for _, sp := range spectators {
		s, ok := sp.(*session)
		if !ok {
			continue // not this adapter's
		}
		if s.offerShown(f, msgs) {
			ready = append(ready, s)
		}
	}
	a.h.pool.dispatchSessions(ready)
	clear(ready)
	if f != nil {
		f.release()
	}
}

// shownOrder keeps a spectator's delayed messages in order with its
// frames, whatever its sender does meanwhile. A sender takes the frame in
// the mailbox, then drains the reliable queue, then writes both: a message
// that must follow a frame may enter the queue only once that frame is
// written (or skipped). Until then it is held here, with a close ordered
// after it. Guarded by the session's boxMu.
type shownOrder struct {
	msgs  [][]byte // messages that must wait for a frame
	boxAt int      // msgs[:boxAt] go before the mailbox's frame, the rest after it
	// inFlight: a sender took a frame and has not written it yet; the
	// held messages follow it.
	inFlight bool
	close    *closeOrder // to carry out once everything held is out
}

// offerShown hands the spectator msgs, then f (nil: none). Messages go to
// the reliable queue at once unless a frame waits to be written, which
// they then follow (or precede, for the frame they come with). A frame
// replaces (and skips) an untaken one. It reports whether the session must
// be dispatched. Tick only.
func (s *session) offerShown(f *frame, msgs [][]byte) bool {
	if f != nil {
		f.refs.Add(1)
	}
	s.boxMu.Lock()
	h := &s.shown
	var push [][]byte
	var old *frame
	switch {
	case f == nil && !h.inFlight && s.boxFrame == nil:
		push = msgs // nothing waits to be written: they go now
	case f == nil:
		h.msgs = append(h.msgs, msgs...) // after the frame that waits
	case h.inFlight:
		h.msgs = append(h.msgs, msgs...)
		old, s.boxFrame, h.boxAt = s.boxFrame, f, len(h.msgs)
	default:
		// An untaken frame is skipped: what was held goes before f.
		push = append(h.msgs, msgs...)
		h.msgs, h.boxAt = nil, 0
		old, s.boxFrame = s.boxFrame, f
	}
	ok := len(h.msgs) <= s.reliable.limit
	if len(push) > 0 && ok {
		ok, _ = s.reliable.pushAll(push)
	}
	s.boxMu.Unlock()
	if old != nil {
		old.release()
		s.stats.skipped.Add(1)
		s.h.metrics.skipped.Inc()
	}
	if !ok {
		s.overflow()
		return false
	}
	return s.schedule()
}

// takeFrame empties the spectator's mailbox for a sender, which writes
// the frame and then calls frameDone. Senders only.
func (s *session) takeFrame() *frame {
	s.boxMu.Lock()
	f := s.boxFrame
	s.boxFrame = nil
	if f != nil {
		s.shown.inFlight, s.shown.boxAt = true, 0 // what is held follows f
	}
	s.boxMu.Unlock()
	return f
}

// dropFrame lets go of an untaken frame: the match let the spectator go,
// or its connection is over. What was held for it goes out.
func (s *session) dropFrame() {
	s.boxMu.Lock()
	f := s.boxFrame
	s.boxFrame = nil
	s.boxMu.Unlock()
	if f != nil {
		f.release()
	}
	s.frameDone(false)
}

// frameDone releases what was held for a frame once it is written (or
// dropped): the messages up to the mailbox's frame, if one waits, else all,
// and then a close ordered after them.
func (s *session) frameDone(written bool) {
	s.boxMu.Lock()
	h := &s.shown
	if written {
		h.inFlight = false
	}
	var push [][]byte
	switch {
	case h.inFlight:
	case s.boxFrame == nil:
		push, h.msgs, h.boxAt = h.msgs, nil, 0
	default:
		push, h.msgs, h.boxAt = h.msgs[:h.boxAt], h.msgs[h.boxAt:], 0
	}
	var closing *closeOrder
	if !h.inFlight && s.boxFrame == nil && len(h.msgs) == 0 {
		closing, h.close = h.close, nil
	}
	ok := true
	if len(push) > 0 {
		ok, _ = s.reliable.pushAll(push)
	}
	s.boxMu.Unlock()
	switch {
	case !ok:
		s.overflow()
	case closing != nil:
		s.closeWith(closing)
	case len(push) > 0:
		s.wake()
	}
}

// closeAfterShown orders a spectator closed once everything shown to it
// is out, frames and held messages included. It reports false when
// nothing is held: the close then goes after the reliable queue, as a
// player's does.
func (s *session) closeAfterShown(code protocol.CloseCode, reason string) bool {
	s.boxMu.Lock()
	defer s.boxMu.Unlock()
	h := &s.shown
	if !h.inFlight && s.boxFrame == nil && len(h.msgs) == 0 {
		return false
	}
	if h.close == nil {
		h.close = &closeOrder{code: code, reason: reason, how: afterQueued}
	}
	return true
}

// writeFrame writes a frame's shared bytes: the delta when the spectator
// holds its base, else the keyframe (it joined, or skipped a frame). It
// takes over the caller's reference.
func (s *session) writeFrame(f *frame) {
	defer s.frameDone(true)
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
