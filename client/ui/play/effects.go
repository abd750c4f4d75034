package play

import (
	"math"
	"strconv"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/protocol"
)

// Effects are the short-lived things drawn over the arena, made from the
// match's events: sparks and a flash where a bullet hits, a burst of debris
// and a shock ring where a player dies, a ring where one spawns, floating
// damage numbers and the kill feed. Positions are in world units, times in
// seconds. The zero value is ready to use; it is not safe for concurrent
// use.
type Effects struct {
	Particles []Particle
	Rings     []Ring
	Texts     []FloatText
	Feed      []FeedEntry

	flashes []flash
	seed    uint64
}

// Particle is a spark or a piece of debris.
type Particle struct {
	X, Y, VX, VY float64
	Age, Life    float64
	Size         float64
	Owner        uint32 // whose colour
	Spark        bool   // a hit spark (bright) rather than debris
}

// Ring is an expanding (death) or contracting (spawn) circle.
type Ring struct {
	X, Y      float64
	Age, Life float64
	R0, R1    float64
	Owner     uint32
}

// FloatText is a number rising from a hit.
type FloatText struct {
	X, Y      float64
	Age, Life float64
	Text      string
	Mine      bool // damage the player dealt
}

// FeedEntry is a line of the kill feed.
type FeedEntry struct {
	Killer, Victim     string
	KillerID, VictimID uint32
	Age                float64
}

type flash struct {
	id  uint32
	age float64
}

// Effect lifetimes, seconds.
const (
	flashLife = 0.18
	feedLife  = 6
	feedMax   = 5
)

// Add turns an event into effects. me is the player's own ID; name gives
// players' names for the kill feed.
func (e *Effects) Add(ev protocol.Event, me uint32, name func(uint32) string) {
	x, y := float64(ev.X)/arena.ViewUnitsPerUnit, float64(ev.Y)/arena.ViewUnitsPerUnit
	switch game.EventKind(ev.Kind) {
	case game.EventHit:
		for range 7 {
			a := e.rand() * 2 * math.Pi
			v := 90 + e.rand()*220
			e.Particles = append(e.Particles, Particle{
				X: x, Y: y, VX: math.Cos(a) * v, VY: math.Sin(a) * v,
				Life: 0.18 + e.rand()*0.2, Size: 2 + e.rand()*2, Owner: ev.Actor, Spark: true,
			})
		}
		e.flashes = append(e.flashes, flash{id: ev.Target})
		e.Texts = append(e.Texts, FloatText{
			X: x + (e.rand()-0.5)*16, Y: y - 10, Life: 0.8,
			Text: "-" + strconv.Itoa(int(ev.Value)), Mine: ev.Actor == me && me != 0,
		})
	case game.EventDeath:
		for range 30 {
			a := e.rand() * 2 * math.Pi
			v := 60 + e.rand()*380
			e.Particles = append(e.Particles, Particle{
				X: x, Y: y, VX: math.Cos(a) * v, VY: math.Sin(a) * v,
				Life: 0.45 + e.rand()*0.5, Size: 2.5 + e.rand()*4, Owner: ev.Target,
			})
		}
		e.Rings = append(e.Rings, Ring{X: x, Y: y, Life: 0.45, R0: 10, R1: 110, Owner: ev.Target})
		killer := "the arena"
		if ev.Actor != 0 {
			killer = name(ev.Actor)
		}
		e.Feed = append(e.Feed, FeedEntry{Killer: killer, Victim: name(ev.Target), KillerID: ev.Actor, VictimID: ev.Target})
		if len(e.Feed) > feedMax {
			e.Feed = append(e.Feed[:0], e.Feed[len(e.Feed)-feedMax:]...)
		}
	case game.EventSpawn:
		e.Rings = append(e.Rings, Ring{X: x, Y: y, Life: 0.35, R0: 70, R1: 20, Owner: ev.Actor})
	}
}

// Step ages every effect by dt seconds and drops the spent ones.
func (e *Effects) Step(dt float64) {
	if dt <= 0 {
		return
	}
	drag := math.Exp(-4 * dt)
	ps := e.Particles[:0]
	for _, p := range e.Particles {
		if p.Age += dt; p.Age < p.Life {
			p.X += p.VX * dt
			p.Y += p.VY * dt
			p.VX *= drag
			p.VY *= drag
			ps = append(ps, p)
		}
	}
	e.Particles = ps
	rs := e.Rings[:0]
	for _, r := range e.Rings {
		if r.Age += dt; r.Age < r.Life {
			rs = append(rs, r)
		}
	}
	e.Rings = rs
	ts := e.Texts[:0]
	for _, t := range e.Texts {
		if t.Age += dt; t.Age < t.Life {
			t.Y -= 40 * dt
			ts = append(ts, t)
		}
	}
	e.Texts = ts
	fs := e.Feed[:0]
	for _, f := range e.Feed {
		if f.Age += dt; f.Age < feedLife {
			fs = append(fs, f)
		}
	}
	e.Feed = fs
	fl := e.flashes[:0]
	for _, f := range e.flashes {
		if f.age += dt; f.age < flashLife {
			fl = append(fl, f)
		}
	}
	e.flashes = fl
}

// Flash is how strongly player id flashes from a recent hit, 0..1.
func (e *Effects) Flash(id uint32) float64 {
	v := 0.0
	for _, f := range e.flashes {
		if f.id == id {
			v = max(v, 1-f.age/flashLife)
		}
	}
	return v
}

// Reset drops every effect.
func (e *Effects) Reset() {
	e.Particles, e.Rings, e.Texts, e.Feed, e.flashes = e.Particles[:0], e.Rings[:0], e.Texts[:0], e.Feed[:0], e.flashes[:0]
}

// rand is a small local generator (splitmix64) in [0, 1): effects need no
// quality, only no global state.
func (e *Effects) rand() float64 {
	e.seed += 0x9e3779b97f4a7c15
	z := e.seed
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	z ^= z >> 31
	return float64(z>>11) / (1 << 53)
}
