package clientnet

import (
	"sync"
	"time"

	"github.com/skirmishgg/skirmish/protocol"
)

// Defaults of InterpOptions.
const (
	DefaultInterpIntervals        = 2.0
	DefaultInterpJitterFactor     = 2.0
	DefaultInterpMinDelay         = 30 * time.Millisecond
	DefaultInterpMaxDelay         = 400 * time.Millisecond
	DefaultInterpMaxExtrapolation = 100 * time.Millisecond
	DefaultInterpMaxWarp          = 0.1
	DefaultInterpSnapAfter        = 250 * time.Millisecond
	DefaultInterpFrames           = 64
)

// InterpOptions configures an Interpolator. A nil *InterpOptions, and every
// zero field, takes the default documented on the field.
type InterpOptions struct {
	// Fields says which fields move and how, by kind and field name as in
	// Welcome.Kinds; a later rule overrides an earlier one. Default
	// DefaultFieldRules(): x and y linear, aim an angle modulo 256, every
	// other field steps.
	Fields []FieldRule

	// The render delay aims at Intervals snapshot intervals plus
	// JitterFactor times the measured arrival jitter, within
	// [MinDelay, MaxDelay]. Defaults 2, 2, 30ms and 400ms.
	Intervals    float64
	JitterFactor float64
	MinDelay     time.Duration
	MaxDelay     time.Duration

	// MaxExtrapolation is how far past the newest snapshot moving fields
	// are extrapolated when the buffer runs dry; beyond it they hold.
	// Default 100ms; negative: no extrapolation.
	MaxExtrapolation time.Duration

	// MaxWarp is how much faster or slower than real time the render clock
	// may run while it follows a changing delay: 0.1 lets render time run
	// between 0.9 and 1.1 times as fast as the wall clock, so it changes
	// smoothly and never goes backwards. Default 0.1.
	MaxWarp float64

	// SnapAfter: when render time falls behind its target by more than
	// this (at the start, after a stall), it jumps forward instead. When it
	// is ahead by more, it runs at half speed. Default 250ms.
	SnapAfter time.Duration

	// Frames is the most snapshots kept. Default 64.
	Frames int
}

func (o *InterpOptions) withDefaults() InterpOptions {
	var c InterpOptions
	if o != nil {
		c = *o
	}
	if c.Fields == nil {
		c.Fields = DefaultFieldRules()
	}
	if c.Intervals <= 0 {
		c.Intervals = DefaultInterpIntervals
	}
	if c.JitterFactor <= 0 {
		c.JitterFactor = DefaultInterpJitterFactor
	}
	if c.MinDelay <= 0 {
		c.MinDelay = DefaultInterpMinDelay
	}
	if c.MaxDelay <= 0 {
		c.MaxDelay = DefaultInterpMaxDelay
	}
	c.MaxDelay = max(c.MaxDelay, c.MinDelay)
	switch {
	case c.MaxExtrapolation == 0:
		c.MaxExtrapolation = DefaultInterpMaxExtrapolation
	case c.MaxExtrapolation < 0:
		c.MaxExtrapolation = 0
	}
	if c.MaxWarp <= 0 {
		c.MaxWarp = DefaultInterpMaxWarp
	}
	c.MaxWarp = min(c.MaxWarp, 0.9)
	if c.SnapAfter <= 0 {
		c.SnapAfter = DefaultInterpSnapAfter
	}
	if c.Frames < 2 {
		c.Frames = DefaultInterpFrames
	}
	return c
}

// Interpolator draws remote entities smoothly from the snapshots: it keeps
// recent views with their ticks and arrival times and samples them at a
// render time a little in the past (the arrival tick of its Clock minus an
// adaptive delay), interpolating between the two snapshots around it.
//
// At a snapshot's tick Sample gives exactly that snapshot's fields; between
// two it gives straight-line values for linear fields, the short way round
// for angles, and the older value for step fields. An entity appears when
// render time reaches the first snapshot that has it and disappears when
// render time reaches the first that lacks it. Past the newest snapshot
// moving fields are extrapolated for at most MaxExtrapolation.
//
// It is safe for concurrent use: typically the network reader pushes and
// the render loop samples.
type Interpolator struct {
	mu    sync.Mutex
	clock *Clock
	o     InterpOptions
	rate  float64
	kinds []kindModes

	frames []frame // oldest first, strictly increasing ticks
	spare  [][]protocol.Entity

	// Render clock, in ticks.
	rt      float64
	rtAt    time.Time
	rtSet   bool
	extrap  bool // the last sample was past the newest snapshot
	hold    bool // no extrapolation: the connection stalled
	sampled uint64

	drawn    float64 // render time of the last Sample: what the player saw
	drawnSet bool    // a Sample drew something since the last Reset
}

type frame struct {
	tick uint32
	at   time.Time
	ents []protocol.Entity
}

// NewInterpolator returns an Interpolator for the schema, tick rate and
// snapshot rate of w, observing snapshot arrivals into clock (nil: a Clock
// of its own).
func NewInterpolator(w *protocol.Welcome, clock *Clock, opts *InterpOptions) *Interpolator {
	if clock == nil {
		clock = NewClock(int(w.TickRate), int(w.SnapshotRate), nil)
	}
	ip := &Interpolator{clock: clock, o: opts.withDefaults()}
	ip.configure(w)
	return ip
}

func (ip *Interpolator) configure(w *protocol.Welcome) {
	ip.rate = ip.clock.TickRate()
	ip.kinds = resolveFields(w.Kinds, ip.o.Fields)
}

// Clock is the clock the Interpolator feeds and follows.
func (ip *Interpolator) Clock() *Clock { return ip.clock }

// Push records the view of tick (entities sorted by ID, as Replica gives
// them; they are copied) that arrived at local time at, and feeds the
// arrival to the Clock. A tick not after the newest one kept is ignored:
// after a discontinuity (a new connection) call Reset first.
func (ip *Interpolator) Push(tick uint32, entities []protocol.Entity, at time.Time) {
	ip.mu.Lock()
	defer ip.mu.Unlock()
	if n := len(ip.frames); n > 0 && tick <= ip.frames[n-1].tick {
		return
	}
	ip.clock.ObserveSnapshot(tick, at)
	if len(ip.frames) >= ip.o.Frames {
		ip.drop(1)
	}
	var ents []protocol.Entity
	if n := len(ip.spare); n > 0 {
		ents, ip.spare = ip.spare[n-1][:0], ip.spare[:n-1]
	}
	ip.frames = append(ip.frames, frame{tick: tick, at: at, ents: append(ents, entities...)})
}

// drop forgets the n oldest frames, keeping their memory. ip.mu held.
func (ip *Interpolator) drop(n int) {
	for _, f := range ip.frames[:n] {
		ip.spare = append(ip.spare, f.ents)
	}
	ip.frames = append(ip.frames[:0], ip.frames[n:]...)
}

// Reset forgets every snapshot and the render clock (not the Clock's
// estimates): the next Push starts a new timeline. Use it when a new
// connection starts, whose first snapshot is a full one.
func (ip *Interpolator) Reset() {
	ip.mu.Lock()
	defer ip.mu.Unlock()
	ip.drop(len(ip.frames))
	ip.rtSet, ip.extrap, ip.hold, ip.drawnSet = false, false, false, false
}

// TargetDelay is the render delay aimed at now: Intervals snapshot
// intervals plus JitterFactor times the arrival jitter, clamped.
func (ip *Interpolator) TargetDelay() time.Duration {
	d := time.Duration(ip.o.Intervals*float64(ip.clock.Interval())) +
		time.Duration(ip.o.JitterFactor*float64(ip.clock.Jitter()))
	return max(ip.o.MinDelay, min(ip.o.MaxDelay, d))
}

// Delay is the render delay in effect at local time now: how far render
// time is behind the arrival tick. It follows TargetDelay smoothly.
func (ip *Interpolator) Delay(now time.Time) time.Duration {
	rt := ip.RenderTick(now)
	at, ok := ip.clock.ArrivalTick(now)
	if !ok {
		return 0
	}
	return seconds((at - rt) / ip.rate)
}

// RenderTick advances the render clock to local time now and returns
// render time in ticks, fractional: the moment Sample draws. It never
// decreases between calls with non-decreasing now (until Reset). Games
// draw objects that follow from their spawn fields at it (see AtTick).
func (ip *Interpolator) RenderTick(now time.Time) float64 {
	ip.mu.Lock()
	defer ip.mu.Unlock()
	return ip.advance(now)
}

// ViewTick is the tick the others were drawn at, for an input read at
// local time now (protocol.Input.View): the render time of the last
// Sample, which is what the player saw, or, when nothing was drawn since
// the last Reset (a headless client), the render time at now; no earlier
// than the oldest snapshot kept (which is what a render time before it
// shows), rounded down to a whole tick. Whole ticks are fine enough: the
// server keeps positions per tick. 0: no snapshot yet.
func (ip *Interpolator) ViewTick(now time.Time) uint32 {
	ip.mu.Lock()
	defer ip.mu.Unlock()
	if len(ip.frames) == 0 {
		return 0
	}
	rt := ip.drawn
	if !ip.drawnSet {
		rt = max(ip.advance(now), float64(ip.frames[0].tick))
	}
	return uint32(rt)
}

// Extrapolating reports whether the last sample was past the newest
// snapshot: the buffer ran dry.
func (ip *Interpolator) Extrapolating() bool {
	ip.mu.Lock()
	defer ip.mu.Unlock()
	return ip.extrap
}

// Buffered returns how many snapshots are kept and the newest one's tick.
func (ip *Interpolator) Buffered() (n int, newest uint32) {
	ip.mu.Lock()
	defer ip.mu.Unlock()
	if n = len(ip.frames); n > 0 {
		newest = ip.frames[n-1].tick
	}
	return n, newest
}

// advance moves the render clock to now. ip.mu held.
func (ip *Interpolator) advance(now time.Time) float64 {
	at, ok := ip.clock.ArrivalTick(now)
	if !ok {
		if len(ip.frames) > 0 && !ip.rtSet {
			return float64(ip.frames[0].tick)
		}
		return ip.rt
	}
	target := at - ip.TargetDelay().Seconds()*ip.rate
	if !ip.rtSet {
		ip.rt, ip.rtAt, ip.rtSet = target, now, true
		return ip.rt
	}
	dt := now.Sub(ip.rtAt).Seconds()
	if dt <= 0 {
		return ip.rt
	}
	ip.rtAt = now
	snap := ip.o.SnapAfter.Seconds() * ip.rate
	switch err := target - ip.rt; {
	case err > snap:
		ip.rt = target
	case err < -snap:
		ip.rt += dt * ip.rate / 2
	default:
		// Proportional: a gap of half a second's warp closes at full warp.
		speed := 1 + max(-ip.o.MaxWarp, min(ip.o.MaxWarp, err/(ip.rate/2)))
		next := ip.rt + dt*ip.rate*speed
		if err > 0 {
			// Catch up without overshooting, but never below the slowest
			// speed allowed.
			next = max(min(next, target), ip.rt+dt*ip.rate*(1-ip.o.MaxWarp))
		}
		ip.rt = next
	}
	return ip.rt
}

// Sample advances the render clock to local time now and appends the
// entities as drawn at render time to dst[:0], sorted by ID. It allocates
// nothing when dst has room.
func (ip *Interpolator) Sample(now time.Time, dst []Sampled) []Sampled {
	ip.mu.Lock()
	defer ip.mu.Unlock()
	rt := ip.advance(now)
	if len(ip.frames) > 0 {
		// Before its oldest snapshot, the view shows that snapshot.
		ip.drawn, ip.drawnSet = max(rt, float64(ip.frames[0].tick)), true
	}
	// Frames wholly behind render time are no longer needed; the last two
	// stay for extrapolation.
	n := 0
	for n+2 < len(ip.frames) && float64(ip.frames[n+1].tick) <= rt {
		n++
	}
	if n > 0 {
		ip.drop(n)
	}
	return ip.sampleAt(rt, dst)
}

// SampleAt appends the entities as drawn at render tick rt to dst[:0],
// sorted by ID, without touching the render clock.
func (ip *Interpolator) SampleAt(rt float64, dst []Sampled) []Sampled {
	ip.mu.Lock()
	defer ip.mu.Unlock()
	return ip.sampleAt(rt, dst)
}

func (ip *Interpolator) sampleAt(rt float64, dst []Sampled) []Sampled {
	dst = dst[:0]
	n := len(ip.frames)
	ip.extrap = false
	ip.sampled++
	switch {
	case n == 0:
		return dst
	case rt <= float64(ip.frames[0].tick):
		for i := range ip.frames[0].ents {
			dst = append(dst, sampledOf(&ip.frames[0].ents[i]))
		}
		return dst
	case rt >= float64(ip.frames[n-1].tick):
		return ip.extrapolate(rt, dst)
	}
	i := n - 2
	for float64(ip.frames[i].tick) > rt {
		i--
	}
	a, b := &ip.frames[i], &ip.frames[i+1]
	f := (rt - float64(a.tick)) / float64(b.tick-a.tick)
	bs := b.ents
	for k := range a.ents {
		ea := &a.ents[k]
		for len(bs) > 0 && bs[0].ID < ea.ID {
			bs = bs[1:] // appears at b: not yet
		}
		s := sampledOf(ea)
		if len(bs) > 0 && bs[0].ID == ea.ID {
			if eb := &bs[0]; eb.Kind == ea.Kind && int(ea.Kind) < len(ip.kinds) {
				blend(&s.Fields, &ea.Fields, &eb.Fields, f, &ip.kinds[ea.Kind])
			}
			bs = bs[1:]
		}
		// An entity b lacks was removed at b's tick: shown as it was.
		dst = append(dst, s)
	}
	return dst
}

// extrapolate samples past the newest frame. ip.mu held.
func (ip *Interpolator) extrapolate(rt float64, dst []Sampled) []Sampled {
	n := len(ip.frames)
	b := &ip.frames[n-1]
	over := min(rt-float64(b.tick), ip.o.MaxExtrapolation.Seconds()*ip.rate)
	if ip.hold {
		over = 0
	}
	ip.extrap = over > 0
	if n < 2 || over <= 0 {
		for i := range b.ents {
			dst = append(dst, sampledOf(&b.ents[i]))
		}
		return dst
	}
	a := &ip.frames[n-2]
	f := 1 + over/float64(b.tick-a.tick)
	as := a.ents
	for k := range b.ents {
		eb := &b.ents[k]
		for len(as) > 0 && as[0].ID < eb.ID {
			as = as[1:]
		}
		s := sampledOf(eb)
		if len(as) > 0 && as[0].ID == eb.ID {
			if ea := &as[0]; ea.Kind == eb.Kind && int(eb.Kind) < len(ip.kinds) && ip.kinds[eb.Kind].moving {
				blend(&s.Fields, &ea.Fields, &eb.Fields, f, &ip.kinds[eb.Kind])
			}
		}
		dst = append(dst, s)
	}
	return dst
}

// SetHold turns extrapolation off (on: the connection stalled, so
// guessing further would only draw the entities somewhere they are not)
// or back on. Past the newest snapshot entities then hold there.
func (ip *Interpolator) SetHold(on bool) {
	ip.mu.Lock()
	ip.hold = on
	ip.mu.Unlock()
}

// restart is Reset with a new connection's Welcome (its schema may
// differ).
func (ip *Interpolator) restart(w *protocol.Welcome) {
	ip.mu.Lock()
	defer ip.mu.Unlock()
	ip.kinds = resolveFields(w.Kinds, ip.o.Fields)
	ip.drop(len(ip.frames))
	ip.rtSet, ip.extrap, ip.hold, ip.drawnSet = false, false, false, false
}
