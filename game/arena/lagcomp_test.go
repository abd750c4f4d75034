package arena

import (
	"math"
	"testing"

	"github.com/skirmishgg/skirmish/game"
)

// TestLagCompensation: a shooter at 150 ms round trip, drawing the others
// 50 ms late (12 ticks at 60 Hz behind the server in all), fires at a
// target strafing down, leading it exactly as its screen shows it. With
// its lag in the input (Rewind) the shot hits; the same shot without it
// misses, since the target is 12 ticks further on than the shooter saw.
func TestLagCompensation(t *testing.T) {
	const lag = 12 // (150 ms + 50 ms) at 60 Hz
	for _, tc := range []struct {
		name   string
		rewind uint16
		hit    bool
	}{
		{"compensated", lag, true},
		{"uncompensated", 0, false},
		{"rewind beyond the history is capped", 500, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, openConfig(), 1, 2)
			h.place(1, 500, 1000)
			h.place(2, 800, 700)
			h.in[2] = game.Input{MoveY: game.AxisMax} // strafes down, 200 units/s
			h.step(30)
			shooter, target := h.player(1), h.player(2)
			// What the shooter's screen shows: the target lag ticks ago,
			// moving down at its speed. It leads that target with the
			// bullet's speed, from its muzzle.
			seen := target.trail.pos[(h.tick+1-lag)%rewindHistory]
			sx, sy := float64(shooter.x), float64(shooter.y)
			px, py := float64(seen.X)-sx, float64(seen.Y)-sy
			vy := float64(h.r.moveStep)
			s, m := float64(h.r.bulletStep), float64(h.r.muzzle)
			// |p + v·a| = m + s·a, for the bullet's age a in steps.
			qa, qb, qc := vy*vy-s*s, 2*(py*vy)-2*m*s, px*px+py*py-m*m
			a := (-qb - math.Sqrt(qb*qb-4*qa*qc)) / (2 * qa)
			aim := uint16(math.Round(math.Atan2(py+vy*a, px) / (2 * math.Pi) * 65536))
			h.in[1] = game.Input{Aim: aim, Buttons: game.ButtonFire, Rewind: tc.rewind}
			hits := 0
			for range 60 {
				h.step(1)
				h.in[1] = game.Input{Aim: aim, Rewind: tc.rewind} // the tap is over
				for _, e := range eventsOf(h.events(), game.EventHit) {
					if e.Actor == 1 && e.Target == 2 {
						hits++
					}
				}
			}
			if got := hits > 0; got != tc.hit {
				t.Fatalf("hit %v, want %v (flight %.1f steps)", got, tc.hit, a)
			}
		})
	}
}

// TestRewindStopsAtRespawn: a rewound shot never hits where a target's
// former life stood.
func TestRewindStopsAtRespawn(t *testing.T) {
	h := newHarness(t, openConfig(), 1)
	h.place(1, 100, 100)
	h.step(5)
	p := h.player(1)
	p.x, p.y = 900*SubunitsPerUnit, 900*SubunitsPerUnit
	p.respawned(h.tick)
	h.step(3)
	for _, rewind := range []uint16{1, 3, 5, 20, 500} {
		x, y := p.at(h.tick, rewind)
		if x != 900*SubunitsPerUnit || y != 900*SubunitsPerUnit {
			t.Errorf("rewind %d: at (%d, %d), before the respawn", rewind, x/SubunitsPerUnit, y/SubunitsPerUnit)
		}
	}
}
