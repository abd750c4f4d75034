package arena

import (
	"testing"

	"github.com/skirmishgg/skirmish/game"
)

func TestFireRateLimit(t *testing.T) {
	h := newHarness(t, openConfig(), 1)
	h.place(1, 200, 1000)
	h.in[1] = fireInput(aimRight)
	var fired []int32
	for range 60 {
		h.step(1)
		for _, b := range h.bullets() {
			if uint32(b.Fields[BulletTick0]) == h.tick {
				fired = append(fired, b.Fields[BulletTick0])
			}
		}
	}
	want := []int32{1, 16, 31, 46} // four a second, 15 steps apart
	if len(fired) != len(want) {
		t.Fatalf("fired at ticks %v, want %v", fired, want)
	}
	for i := range want {
		if fired[i] != want[i] {
			t.Fatalf("fired at ticks %v, want %v", fired, want)
		}
	}
}

func TestBulletLifetime(t *testing.T) {
	h := newHarness(t, &Config{Walls: []Rect{}, WorldWidth: 4000}, 1)
	h.place(1, 1000, 1000)
	h.in[1] = fireInput(aimRight)
	h.step(1)
	delete(h.in, 1)
	b0 := h.bullets()
	if len(b0) != 1 {
		t.Fatalf("%d bullets after firing, want 1", len(b0))
	}
	// Spawned at the muzzle: centre + (20 + 4) units along the aim.
	if b0[0].X != 1024*ViewUnitsPerUnit || b0[0].Y != 1000*ViewUnitsPerUnit {
		t.Errorf("spawned at (%d, %d) view units, want (%d, %d)", b0[0].X, b0[0].Y, 1024*4, 1000*4)
	}
	for age := int32(1); age < 60; age++ {
		h.step(1)
		bs := h.bullets()
		if len(bs) != 1 {
			t.Fatalf("age %d: %d bullets, want 1", age, len(bs))
		}
		// 600 units/s at 60 Hz: 10 units per step.
		if want := (1024 + 10*age) * ViewUnitsPerUnit; bs[0].X != want {
			t.Fatalf("age %d: x = %d, want %d", age, bs[0].X, want)
		}
		if bs[0].Fields != b0[0].Fields {
			t.Fatalf("age %d: fields changed from %v to %v", age, b0[0].Fields, bs[0].Fields)
		}
	}
	h.step(1)
	if bs := h.bullets(); len(bs) != 0 {
		t.Fatalf("bullet still flying after its lifetime: %v", bs)
	}
}

func TestBulletPositionMatchesServer(t *testing.T) {
	h := newHarness(t, nil, 1, 2, 3)
	rng := splitmix{3}
	for range 600 {
		for id := game.PlayerID(1); id <= 3; id++ {
			h.in[id] = game.Input{MoveX: int8(rng.next()), MoveY: int8(rng.next()), Aim: uint16(rng.next()), Buttons: game.ButtonFire}
		}
		h.step(1)
		for _, b := range h.bullets() {
			x, y := h.r.BulletPosition(b.Fields[:], h.tick)
			if x != b.X || y != b.Y {
				t.Fatalf("tick %d bullet %d: BulletPosition = (%d, %d), server has (%d, %d)", h.tick, b.ID, x, y, b.X, b.Y)
			}
		}
	}
	if x, y := h.r.BulletPosition(nil, 1); x != 0 || y != 0 {
		t.Errorf("BulletPosition(nil) = (%d, %d)", x, y)
	}
}

func TestBulletRemoval(t *testing.T) {
	tests := []struct {
		name     string
		x, y     int32 // shooter, world units
		aim      uint16
		maxX     int32 // the bullet's centre must stay left of this, view units
		goneTick uint32
	}{
		// Wall face at 1200, bullet radius 4: removed when touching it.
		{"wall", 1000, 1000, aimRight, 1196 * ViewUnitsPerUnit, 19},
		{"world edge", 1900, 500, aimRight, 2000 * ViewUnitsPerUnit, 9},
		{"point-blank into a wall is lost", 1175, 1000, aimRight, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, &Config{Walls: []Rect{{1200, 900, 1300, 1100}}}, 1)
			h.place(1, tt.x, tt.y)
			h.in[1] = fireInput(tt.aim)
			h.step(1)
			delete(h.in, 1)
			for h.tick < 60 {
				bs := h.bullets()
				if len(bs) == 0 {
					break
				}
				if bs[0].X >= tt.maxX {
					t.Fatalf("tick %d: bullet at x = %d, past %d", h.tick, bs[0].X, tt.maxX)
				}
				h.step(1)
			}
			if h.tick != tt.goneTick {
				t.Errorf("bullet gone at tick %d, want %d", h.tick, tt.goneTick)
			}
		})
	}
}

func TestHitDamage(t *testing.T) {
	h := newHarness(t, openConfig(), 1, 2)
	h.place(1, 500, 500)
	h.place(2, 700, 500)
	h.in[1] = fireInput(aimRight)
	h.step(1)
	delete(h.in, 1)
	var hits []game.Event
	for range 30 {
		h.step(1)
		hits = append(hits, eventsOf(h.events(), game.EventHit)...)
	}
	if len(hits) != 1 {
		t.Fatalf("%d hits, want 1: %v", len(hits), hits)
	}
	e := hits[0]
	if e.Actor != 1 || e.Target != 2 || e.Value != 10 {
		t.Errorf("hit event %+v, want Actor 1, Target 2, Value 10", e)
	}
	// Circles touch when the bullet is 24 units from the victim's centre.
	if e.X < 675*ViewUnitsPerUnit || e.X > 677*ViewUnitsPerUnit || e.Y != 500*ViewUnitsPerUnit {
		t.Errorf("hit at (%d, %d) view units, want about (%d, %d)", e.X, e.Y, 676*4, 500*4)
	}
	if hp := h.player(2).hp; hp != 90 {
		t.Errorf("victim hp %d, want 90", hp)
	}
	if hp := h.player(1).hp; hp != 100 {
		t.Errorf("shooter hp %d, want 100", hp)
	}
	if bs := h.bullets(); len(bs) != 0 {
		t.Errorf("bullet still flying after the hit: %v", bs)
	}
}

// TestSweptHit: a bullet much faster than a player is wide still hits.
func TestSweptHit(t *testing.T) {
	cfg := openConfig()
	cfg.BulletSpeed = 100 * 60 // 100 units a step, more than a diameter
	h := newHarness(t, cfg, 1, 2)
	h.place(1, 200, 500)
	h.place(2, 573, 500) // between two sampled positions of the bullet
	h.in[1] = fireInput(aimRight)
	h.step(1)
	delete(h.in, 1)
	h.step(10)
	if hp := h.player(2).hp; hp != 90 {
		t.Errorf("victim hp %d, want 90", hp)
	}
}

func TestNeverHitsOwner(t *testing.T) {
	h := newHarness(t, openConfig(), 1)
	h.place(1, 1000, 1000)
	// Run into its own bullets: spin while moving forward and firing.
	for i := range 300 {
		h.in[1] = game.Input{MoveX: 127, Aim: uint16(i * 4000), Buttons: game.ButtonFire}
		h.step(1)
	}
	if hp := h.player(1).hp; hp != 100 {
		t.Errorf("hp %d after its own bullets, want 100", hp)
	}
}

func TestDeathRespawn(t *testing.T) {
	h := newHarness(t, openConfig(), 1, 2)
	h.place(1, 500, 500)
	h.place(2, 700, 500)
	h.player(2).hp = 10
	h.in[1] = fireInput(aimRight)
	h.step(1)
	delete(h.in, 1)
	var evs []game.Event
	for range 30 {
		h.step(1)
		evs = append(evs, h.events()...)
	}
	kinds := []game.EventKind{game.EventHit, game.EventDeath, game.EventScore, game.EventSpawn}
	if len(evs) != len(kinds) {
		t.Fatalf("events %+v, want kinds %v", evs, kinds)
	}
	for i, k := range kinds {
		if evs[i].Kind != k {
			t.Fatalf("events %+v, want kinds %v", evs, kinds)
		}
	}
	death, score, spawn := evs[1], evs[2], evs[3]
	if death.Actor != 1 || death.Target != 2 || death.X != 700*4 || death.Y != 500*4 {
		t.Errorf("death event %+v", death)
	}
	if score.Actor != 1 || score.Value != 1 {
		t.Errorf("score event %+v", score)
	}
	v := h.player(2)
	if spawn.Actor != 2 || spawn.X != ToView(v.x) || spawn.Y != ToView(v.y) {
		t.Errorf("spawn event %+v, victim at (%d, %d)", spawn, v.x, v.y)
	}
	if v.hp != 100 || v.deaths != 1 || v.score != 0 {
		t.Errorf("victim hp %d deaths %d score %d, want 100 1 0", v.hp, v.deaths, v.score)
	}
	if s := h.player(1); s.score != 1 || s.deaths != 0 {
		t.Errorf("shooter score %d deaths %d, want 1 0", s.score, s.deaths)
	}
	if !isSpawn(h.r, v.x, v.y) {
		t.Errorf("victim respawned at (%d, %d), not a spawn point", v.x, v.y)
	}
}

func isSpawn(r *Rules, x, y int32) bool {
	for _, s := range r.spawns {
		if s.X == x && s.Y == y {
			return true
		}
	}
	return false
}

// TestWallBoundingBoxRejectsOnlyMisses: boundsMissBox, which advance runs
// before segmentEntersBox, never skips a wall the segment enters, wherever
// the segment lies (inside, along an edge, through a corner, outside).
func TestWallBoundingBoxRejectsOnlyMisses(t *testing.T) {
	rng := splitmix{9}
	coord := func() int64 { return int64(rng.next()%40) - 10 } // around a 0..20 box: edges and corners often
	wb := box{x0: 0, y0: 0, x1: 20, y1: 20}
	for range 200000 {
		px, py := coord(), coord()
		dx, dy := coord()-px, coord()-py
		if _, _, ok := segmentEntersBox(px, py, dx, dy, wb); ok && boundsMissBox(px, py, dx, dy, wb) {
			t.Fatalf("segment (%d,%d)+(%d,%d) enters %+v but its bounding box was rejected", px, py, dx, dy, wb)
		}
	}
}
