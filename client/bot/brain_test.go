package bot

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestBrain(t *testing.T) {
	const rate, ticks = 30, 30 * 60
	a := newBrain(rand.New(rand.NewPCG(1, 2)), rate)
	b := newBrain(rand.New(rand.NewPCG(1, 2)), rate)
	var s sight
	s.see(700, 100, 100, 200, 100, true, true) // target straight along +x, in the snapshot of tick 700
	fired, moves, aimedAtTarget := 0, 0, 0
	prev := a.next(&s)
	if b.next(&s) != prev {
		t.Fatal("same seed, different first input")
	}
	for range ticks {
		in := a.next(&s)
		if b.next(&s) != in {
			t.Fatal("same seed, different inputs")
		}
		if in.Buttons&1 != 0 {
			fired++
		}
		if in.MoveX != prev.MoveX || in.MoveY != prev.MoveY {
			moves++
		}
		if in.Aim == 0 && in.View == 700 {
			aimedAtTarget++ // where the snapshot of tick 700 showed it
		}
		prev = in
	}
	if fired < ticks/4 || fired > 3*ticks/4 {
		t.Errorf("fire held %d of %d ticks, want about half", fired, ticks)
	}
	// Direction changes about once a second: 60 over a minute, give or take.
	if moves < 30 || moves > 120 {
		t.Errorf("move changed %d times in %d s", moves, ticks/rate)
	}
	if aimedAtTarget != ticks {
		t.Errorf("aimed at the target %d of %d ticks, want all", aimedAtTarget, ticks)
	}
	// With no one in sight, the aim wanders.
	s.forget()
	aims := map[uint16]bool{}
	for range ticks {
		in := a.next(&s)
		aims[in.Aim] = true
		if in.View != 0 {
			t.Fatalf("aimed at no one, yet reported view tick %d", in.View)
		}
	}
	if len(aims) < 30 {
		t.Errorf("%d distinct aims over %d s without a target", len(aims), ticks/rate)
	}
}

func TestAngle(t *testing.T) {
	for _, c := range []struct {
		dx, dy float64
		want   uint16
	}{{1, 0, 0}, {0, 1, 16384}, {-1, 0, 32768}, {0, -1, 49152}} {
		if got := angle(math.Atan2(c.dy, c.dx)); got != c.want {
			t.Errorf("angle(%v, %v) = %d, want %d", c.dx, c.dy, got, c.want)
		}
	}
	if x, y := axes(0); x != 127 || y != 0 {
		t.Errorf("axes(0) = %d, %d", x, y)
	}
}
