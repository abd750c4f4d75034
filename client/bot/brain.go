package bot

import (
	"math"
	"math/rand/v2"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/protocol"
)

// brain decides a bot's inputs, one per sender tick: every second or so it
// picks a way to move (stand, wander in a random direction, or chase its
// target: the nearest player, wounded ones first), and toggles the fire
// button, so fire is held about half the time. It aims at its target, or in
// a random direction, changed about every second, while it sees none. All
// its randomness comes from the bot's own generator.
type brain struct {
	rng  *rand.Rand
	rate int // inputs per second

	moveLeft, aimLeft, fireLeft int // ticks until the next decision
	chase                       bool
	moveX, moveY                int8
	aim                         uint16
	fire                        bool
}

func newBrain(rng *rand.Rand, rate int) *brain {
	return &brain{rng: rng, rate: rate, fire: rng.IntN(2) == 0}
}

// period is a random decision period of about a second, in ticks.
func (b *brain) period() int { return max(b.rate/2+b.rng.IntN(b.rate+1), 1) }

// next returns the input for this tick.
func (b *brain) next(s *sight) protocol.Input {
	if b.moveLeft--; b.moveLeft <= 0 {
		b.moveLeft = b.period()
		b.chase = false
		switch r := b.rng.IntN(10); {
		case r == 0:
			b.moveX, b.moveY = 0, 0
		case r < 3:
			b.moveX, b.moveY = axes(b.rng.Float64() * 2 * math.Pi)
		default:
			b.chase = true
			b.moveX, b.moveY = axes(b.rng.Float64() * 2 * math.Pi) // until a target shows
		}
	}
	if b.aimLeft--; b.aimLeft <= 0 {
		b.aimLeft = b.period()
		b.aim = uint16(b.rng.Uint32())
	}
	if b.fireLeft--; b.fireLeft <= 0 {
		b.fireLeft = b.period()
		b.fire = !b.fire
	}

	in := protocol.Input{MoveX: b.moveX, MoveY: b.moveY, Aim: b.aim}
	if x, y, tx, ty, ok := s.look(); ok {
		toward := math.Atan2(float64(ty)-float64(y), float64(tx)-float64(x))
		if b.chase {
			in.MoveX, in.MoveY = axes(toward)
		}
		in.Aim = angle(toward)
		// A bot has no interpolation: it aims at the newest snapshot it
		// has, so that is where its shots are judged (lag compensation).
		in.View = s.seenAt()
	}
	if b.fire {
		in.Buttons |= game.ButtonFire
	}
	return in
}

// axes turns a direction in radians into full-tilt move axes.
func axes(a float64) (x, y int8) {
	return int8(math.Round(game.AxisMax * math.Cos(a))), int8(math.Round(game.AxisMax * math.Sin(a)))
}

// angle turns radians into the protocol's aim: 1/65536 of a turn, 0 along
// +x, 16384 along +y.
func angle(a float64) uint16 {
	return uint16(int64(math.Round(a / (2 * math.Pi) * 65536)))
}
