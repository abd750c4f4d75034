package clientnet

import (
	"math"
	"time"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/protocol"
)

// Reconcile takes a snapshot into the prediction: tick and lastSeq are the
// snapshot's Tick and LastSeq, self the player's entity in its view (nil
// when the view lacks it), at the local time it arrived. Call it for every
// snapshot, in order, after the Clock has observed it.
func (p *Predictor) Reconcile(tick, lastSeq uint32, self *protocol.Entity, at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ownClock {
		p.clock.ObserveSnapshot(tick, at)
	}
	p.snapAt = at
	p.update(at)
	defer func() { p.prevTick, p.prevSeq, p.havePrev = tick, lastSeq, true }()
	if self == nil {
		return
	}
	e := game.Entity(*self)
	p.base = *self

	kT, ok := p.align(tick, lastSeq)
	if !ok || !p.remembers(kT) {
		p.rebaseNow(p.game.PredictState(e, nil))
		return
	}
	predicted, ok := p.stateAt(kT)
	if !p.have || !ok {
		p.rebaseAt(kT, p.game.PredictState(e, nil))
		p.have = true
		return
	}
	pe := p.game.PredictEntity(predicted, e)
	p.log.add(tick, lastSeq, (*protocol.Entity)(&pe), self, p.kinds)
	if pe.Fields == e.Fields {
		p.errs.add(0) // right to the view's precision: keep the finer state
		return
	}
	dist := p.distance(&pe.Fields, &e.Fields)
	server := p.game.PredictState(e, &predicted)
	p.decay(at)
	bx, by := p.drawn(at)
	p.rebaseAt(kT, server)
	ax, ay := p.drawn(at)
	if dist >= p.o.SnapDistance {
		p.offX, p.offY = 0, 0
		p.errs.snaps++
		return
	}
	if p.o.SmoothTime > 0 {
		p.offX += bx - ax
		p.offY += by - ay
	}
	p.errs.add(dist / p.o.ErrorUnit)
}

// align returns the local tick whose predicted state the server's state
// at tick should equal, lastSeq being the input the server held then.
//
// Server and client both tick at the same rate, so server tick T matches
// local tick T-D for a constant D: the one that makes each input start on
// the server D ticks after it started here. Each input's start on the
// server is estimated when a snapshot first shows it (see estimate), and D
// is their running mean, rounded with some hysteresis. Jitter moves an
// input's real start a tick or so either way; that is what the
// reconciliation corrects, and a fixed mapping keeps it from also
// shifting the whole timeline at every snapshot. p.mu held.
func (p *Predictor) align(tick, lastSeq uint32) (int64, bool) {
	if r := p.rec(lastSeq); r != nil && !r.known {
		p.estimate(r, tick)
		d := float64(r.s - r.c)
		switch {
		case !p.haveD:
			p.dMean, p.d, p.haveD = d, r.s-r.c, true
		default:
			p.dMean += (d - p.dMean) * dGain
			if math.Abs(p.dMean-float64(p.d)) > dHysteresis {
				p.d = int64(math.Round(p.dMean))
			}
		}
	}
	switch {
	case p.haveD:
		return int64(tick) - p.d, true
	case lastSeq != 0:
		return 0, false
	case p.firstSent == 0:
		// Nothing sent: the server's player stood still, as ours did.
		return p.k, true
	}
	// None of the inputs applied yet: the server's player is where ours
	// was before the first one.
	if r := p.rec(p.firstSent); r != nil {
		return r.c - 1, true
	}
	return 0, false
}

// estimate sets the server tick at which input r was first applied, on
// the first snapshot that shows it held. The snapshot bounds it: after the
// previous snapshot's tick (which showed an older input held) and at most
// this one's. Within those bounds the Clock's estimate of when the input
// reached the server decides, corrected by a term learned from the bounds
// of every input so far. p.mu held.
func (p *Predictor) estimate(r *inputRec, tick uint32) {
	lo, hi := math.Inf(-1), float64(tick)
	if p.havePrev && p.prevSeq < r.seq && p.prevTick < tick {
		lo = float64(p.prevTick)
	}
	s := hi
	if x, ok := p.clock.InputTick(r.sentAt); ok {
		// ceil(x + eps) lies in (lo, hi]: x + eps in (lo-1, hi]. The next
		// input had not arrived by tick: its x + eps > tick.
		eLo, eHi := lo-1-x, hi-x
		if nx := p.rec(r.seq + 1); nx != nil {
			if xn, ok := p.clock.InputTick(nx.sentAt); ok {
				eLo = max(eLo, float64(tick)-xn)
			}
		}
		p.eps = project(p.eps, eLo, eHi)
		s = math.Ceil(x + p.eps)
	}
	r.s = int64(max(lo+1, min(hi, s)))
	r.known = true
}

// project moves eps part of the way into the interval (lo, hi] when it lies
// outside, a little inside the edge it crossed.
func project(eps, lo, hi float64) float64 {
	var target float64
	switch {
	case !(lo < hi):
		target = (lo + hi) / 2
		if math.IsInf(lo, -1) || math.IsNaN(target) {
			return eps
		}
	case eps <= lo:
		target = lo + min(0.5*(hi-lo), 0.25)
	case eps > hi:
		target = hi - min(0.5*(hi-lo), 0.25)
	default:
		return eps
	}
	return eps + epsGain*(target-eps)
}

// remembers reports whether local tick k can be rebased: it is still in
// the history, or a little ahead of the newest tick. p.mu held.
func (p *Predictor) remembers(k int64) bool {
	h := int64(len(p.ticks))
	if k > p.k {
		return k-p.k <= h/4
	}
	return k >= 0 && k > p.k-h && p.slot(k).k == k
}

// stateAt returns the predicted state at local tick k, stepping ahead with
// the input in force when k has not run yet. p.mu held.
func (p *Predictor) stateAt(k int64) (game.PlayerState, bool) {
	if k <= p.k {
		s := p.slotAt(k)
		if s == nil {
			return game.PlayerState{}, false
		}
		return s.state, true
	}
	cur := p.slotAt(p.k)
	if cur == nil || k-p.k > int64(len(p.ticks)/4) {
		return game.PlayerState{}, false
	}
	st := cur.state
	for range k - p.k {
		st = p.game.PredictStep(st, p.cur)
	}
	return st, true
}

// rebaseAt replaces the state of local tick k by the server's and steps
// the ticks after it again with the inputs that were in force. A tick not
// run yet gets the state when it runs. p.mu held.
func (p *Predictor) rebaseAt(k int64, st game.PlayerState) {
	if k > p.k {
		p.pending = pendingBase{k: k, state: st, ok: true}
		return
	}
	p.pending.ok = false
	s := p.slot(k)
	s.state, s.valid = st, true
	for j := k + 1; j <= p.k; j++ {
		n := p.slot(j)
		if n.k != j {
			break // skipped ahead past it: nothing to step
		}
		n.state, n.valid = p.game.PredictStep(st, n.in), true
		st = n.state
	}
}

// rebaseNow takes the server's state as the present one: when there is
// nothing to align it with. p.mu held.
func (p *Predictor) rebaseNow(st game.PlayerState) {
	p.pending.ok = false
	for _, k := range []int64{p.k - 1, p.k} {
		if k >= 0 {
			s := p.slot(k)
			*s = tickSlot{k: k, state: st, in: s.in, valid: true}
		}
	}
	p.have = true
	p.offX, p.offY = 0, 0
}

// distance is the distance between two positions in position units.
func (p *Predictor) distance(a, b *[protocol.MaxFields]int32) float64 {
	var dx, dy float64
	if p.fx >= 0 {
		dx = float64(a[p.fx]) - float64(b[p.fx])
	}
	if p.fy >= 0 {
		dy = float64(a[p.fy]) - float64(b[p.fy])
	}
	return math.Hypot(dx, dy)
}

// position returns the position fields of state s. p.mu held.
func (p *Predictor) position(s game.PlayerState) (x, y float64) {
	e := p.game.PredictEntity(s, game.Entity(p.base))
	if p.fx >= 0 {
		x = float64(e.Fields[p.fx])
	}
	if p.fy >= 0 {
		y = float64(e.Fields[p.fy])
	}
	return x, y
}

// drawn returns the predicted position at local time at, without the
// smoothing offset: between the newest tick's state and the next one's,
// stepped ahead with the input in force, so what is drawn never lags the
// newest tick and every correction of the newest tick is smoothed. p.mu
// held.
func (p *Predictor) drawn(at time.Time) (x, y float64) {
	cur := p.slotAt(p.k)
	if cur == nil {
		return 0, 0
	}
	cx, cy := p.position(cur.state)
	f := float64(at.Sub(p.epoch)-time.Duration(p.k)*p.period) / float64(p.period)
	if f <= 0 {
		return cx, cy
	}
	nx, ny := p.position(p.game.PredictStep(cur.state, p.cur))
	f = min(1, f)
	return cx + (nx-cx)*f, cy + (ny-cy)*f
}

// decay shrinks the smoothing offset for the time since it last did.
// p.mu held.
func (p *Predictor) decay(now time.Time) {
	if p.o.SmoothTime < 0 {
		p.offX, p.offY = 0, 0
		return
	}
	if dt := now.Sub(p.offAt); dt > 0 {
		// exp(-3) ≈ 5% left after SmoothTime.
		f := math.Exp(-3 * dt.Seconds() / p.o.SmoothTime.Seconds())
		p.offX *= f
		p.offY *= f
		if math.Abs(p.offX) < 1e-3 && math.Abs(p.offY) < 1e-3 {
			p.offX, p.offY = 0, 0
		}
	}
	if now.After(p.offAt) {
		p.offAt = now
	}
}

// Sample returns the player as drawn at local time now: the predicted
// position, between local ticks and with the smoothing of corrections,
// the aim of the newest input, and the other fields (hit points, score)
// from the newest snapshot. ok is false before the first snapshot with the
// player.
func (p *Predictor) Sample(now time.Time) (s Sampled, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.update(now)
	cur := p.slotAt(p.k)
	if !p.have || cur == nil {
		return s, false
	}
	e := protocol.Entity(p.game.PredictEntity(cur.state, game.Entity(p.base)))
	s = sampledOf(&e)
	p.decay(now)
	x, y := p.drawn(now)
	if p.fx >= 0 {
		s.Fields[p.fx] = x + p.offX
	}
	if p.fy >= 0 {
		s.Fields[p.fy] = y + p.offY
	}
	return s, true
}

// Entity returns the predicted entity at the newest local tick, without
// smoothing. ok is false before the first snapshot with the player.
func (p *Predictor) Entity() (e protocol.Entity, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	cur := p.slotAt(p.k)
	if !p.have || cur == nil {
		return e, false
	}
	return protocol.Entity(p.game.PredictEntity(cur.state, game.Entity(p.base))), true
}

// Offset returns the smoothing offset at local time now: how far the drawn
// position still is from the predicted one, in position units.
func (p *Predictor) Offset(now time.Time) (dx, dy float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.decay(now)
	return p.offX, p.offY
}

// Errors returns the prediction error figures so far.
func (p *Predictor) Errors() PredictionErrors {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.errs.summary()
}

// LastError is the newest prediction error, as in Errors but cheap enough
// for every frame.
func (p *Predictor) LastError() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.errs.last
}
