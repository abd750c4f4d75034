package arena

import (
	"math"
	"testing"

	"github.com/skirmishgg/skirmish/game"
)

func TestMovementSpeed(t *testing.T) {
	const u = SubunitsPerUnit
	tests := []struct {
		name         string
		mx, my       int8
		ticks        int
		wantX, wantY int32 // displacement in subunits
	}{
		{"right 1s covers 200 units", 127, 0, 60, 200 * u, 0},
		{"left", -127, 0, 60, -200 * u, 0},
		{"-128 is clamped to -127", -128, 0, 60, -200 * u, 0},
		{"down", 0, 127, 30, 0, 100 * u},
		{"up", 0, -127, 30, 0, -100 * u},
		{"half axis moves proportionally", 64, 0, 60, 64 * 400 / 127 * 60, 0},
		{"idle", 0, 0, 60, 0, 0},
		{"diagonal", 127, 127, 60, 282 * 60, 282 * 60},
		{"diagonal with -128", -128, -128, 60, -282 * 60, -282 * 60},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, openConfig(), 1)
			h.place(1, 1000, 1000)
			h.in[1] = game.Input{MoveX: tt.mx, MoveY: tt.my}
			h.step(tt.ticks)
			p := h.player(1)
			if dx, dy := p.x-1000*u, p.y-1000*u; dx != tt.wantX || dy != tt.wantY {
				t.Errorf("moved (%d, %d) subunits, want (%d, %d)", dx, dy, tt.wantX, tt.wantY)
			}
		})
	}
}

func TestDiagonalNormalised(t *testing.T) {
	r := New(nil)
	speed := int64(r.moveStep)
	if speed != 400 {
		t.Fatalf("player speed %d subunits/step, want 400", speed)
	}
	for mx := -128; mx <= 127; mx++ {
		for my := -128; my <= 127; my++ {
			vx, vy := r.velocity(int8(mx), int8(my))
			if l := sq(int64(vx)) + sq(int64(vy)); l > speed*speed {
				t.Fatalf("input (%d, %d): speed %.2f > %d", mx, my, math.Sqrt(float64(l)), speed)
			}
		}
	}
	// Full diagonals lose at most a subunit to rounding.
	for _, d := range [][2]int8{{127, 127}, {-127, 127}, {127, -128}, {-128, -128}} {
		vx, vy := r.velocity(d[0], d[1])
		if l := sq(int64(vx)) + sq(int64(vy)); l < (speed-2)*(speed-2) {
			t.Errorf("diagonal %v: velocity (%d, %d) too slow", d, vx, vy)
		}
		if abs(int64(vx)) != abs(int64(vy)) {
			t.Errorf("diagonal %v: velocity (%d, %d) not symmetric", d, vx, vy)
		}
	}
}

func TestWorldClamp(t *testing.T) {
	tests := []struct {
		name         string
		mx, my       int8
		wantX, wantY int32 // world units
	}{
		{"left/up corner", -127, -127, 20, 20},
		{"right/down corner", 127, 127, 1980, 1980},
		{"right edge", 127, 0, 1980, 1000},
		{"top edge", 0, -127, 1000, 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, openConfig(), 1)
			h.place(1, 1000, 1000)
			h.in[1] = game.Input{MoveX: tt.mx, MoveY: tt.my}
			h.step(600)
			p := h.player(1)
			if p.x != tt.wantX*SubunitsPerUnit || p.y != tt.wantY*SubunitsPerUnit {
				t.Errorf("at (%d, %d) subunits, want (%d, %d) units", p.x, p.y, tt.wantX, tt.wantY)
			}
		})
	}
}

func TestWallBlocking(t *testing.T) {
	const u = SubunitsPerUnit
	wall := Rect{1100, 900, 1200, 1100}
	// Beside a corner, 10 units past the wall's bottom edge, the circle
	// (radius 20) touches the corner √(20²-10²) units before the face.
	corner := int32(ceilSqrt(sq(20*u) - sq(10*u)))
	tests := []struct {
		name         string
		x, y         int32 // start, world units
		mx, my       int8
		ticks        int
		wantX, wantY int32 // subunits; -1: must have moved past the start
	}{
		{"right into face", 1000, 1000, 127, 0, 60, 1080 * u, 1000 * u},
		{"left into face", 1300, 1000, -127, 0, 60, 1220 * u, 1000 * u},
		{"down into face", 1150, 800, 0, 127, 60, 1150 * u, 880 * u},
		{"up into face", 1150, 1200, 0, -127, 60, 1150 * u, 1120 * u},
		{"right into corner", 1000, 1110, 127, 0, 60, 1100*u - corner, 1110 * u},
		{"slides down along face", 1070, 1000, 127, 127, 10, 1080 * u, 1000*u + 282*10},
		{"passes below", 1000, 1120, 127, 0, 60, 1200 * u, 1120 * u},
		{"walks out of a wall it overlaps", 1110, 1000, -127, 0, 60, 910 * u, 1000 * u},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, &Config{Walls: []Rect{wall}}, 1)
			h.place(1, tt.x, tt.y)
			h.in[1] = game.Input{MoveX: tt.mx, MoveY: tt.my}
			h.step(tt.ticks)
			p := h.player(1)
			if p.x != tt.wantX || p.y != tt.wantY {
				t.Errorf("at (%d, %d), want (%d, %d)", p.x, p.y, tt.wantX, tt.wantY)
			}
		})
	}
}

// TestWallsNeverOverlapped walks players randomly through the default
// arena: a player who starts clear of the walls never overlaps one.
func TestWallsNeverOverlapped(t *testing.T) {
	r := New(nil)
	rng := splitmix{7}
	for _, s := range r.spawns {
		x, y := s.X, s.Y
		var in game.Input
		for i := range 3000 {
			if i%20 == 0 {
				in = game.Input{MoveX: int8(rng.next()), MoveY: int8(rng.next())}
			}
			x, y = r.MovePlayer(x, y, in)
			for _, w := range r.walls {
				if circleOverlapsBox(x, y, r.playerR, w) {
					t.Fatalf("player at (%d, %d) overlaps wall %v", x, y, w)
				}
			}
		}
	}
}

func circleOverlapsBox(x, y, rad int32, b box) bool {
	dx := int64(max(b.x0-x, 0, x-b.x1))
	dy := int64(max(b.y0-y, 0, y-b.y1))
	return dx*dx+dy*dy < sq(int64(rad))
}

func TestIsqrt(t *testing.T) {
	for _, n := range []uint64{0, 1, 2, 3, 4, 15, 16, 17, 1 << 32, 1<<32 - 1, 1<<62 + 12345, math.MaxUint64} {
		s := isqrt(n)
		// s² ≤ n < (s+1)², written to avoid overflow.
		if s*s > n || (s+1 <= math.MaxUint32 && (s+1)*(s+1) <= n) {
			t.Errorf("isqrt(%d) = %d", n, s)
		}
	}
	rng := splitmix{1}
	for range 10000 {
		n := rng.next() >> (rng.next() % 64)
		s := isqrt(n)
		if s*s > n || (s+1 <= math.MaxUint32 && (s+1)*(s+1) <= n) {
			t.Fatalf("isqrt(%d) = %d", n, s)
		}
	}
	for _, n := range []int64{-5, 0, 1, 2, 4, 5, 4800000} {
		c := ceilSqrt(n)
		if n > 0 && (c*c < n || (c-1)*(c-1) >= n) {
			t.Errorf("ceilSqrt(%d) = %d", n, c)
		}
	}
}
