package arena

import (
	"cmp"
	"math"
	"slices"
	"testing"

	"github.com/skirmishgg/skirmish/game"
)

func TestSchema(t *testing.T) {
	s := New(nil).Schema()
	if len(s.Kinds) != 2 || s.Kinds[KindPlayer].Name != "player" || s.Kinds[KindBullet].Name != "bullet" {
		t.Fatalf("schema %+v", s)
	}
	if n := len(s.Kinds[KindPlayer].Fields); n != playerFields {
		t.Errorf("player has %d fields, want %d", n, playerFields)
	}
	if n := len(s.Kinds[KindBullet].Fields); n != bulletFields {
		t.Errorf("bullet has %d fields, want %d", n, bulletFields)
	}
	for _, k := range s.Kinds {
		if len(k.Fields) > game.MaxFields {
			t.Errorf("%s has more than MaxFields fields", k.Name)
		}
	}
}

func TestViewContent(t *testing.T) {
	h := newHarness(t, openConfig(), 9, 2)
	h.place(2, 300, 400)
	h.place(9, 1500, 1500)
	h.in[2] = game.Input{Aim: 0x8123, Buttons: game.ButtonFire}
	h.step(1)
	h.player(9).score, h.player(9).deaths = 3, 4
	v := h.w.AppendView(nil)
	if len(v) != 3 {
		t.Fatalf("view %+v, want 2 players and a bullet", v)
	}
	p := v[0]
	want := game.Entity{ID: 2, Kind: KindPlayer, X: 1200, Y: 1600, Fields: [game.MaxFields]int32{1200, 1600, 0x81, 100, 0, 0}}
	if p != want {
		t.Errorf("player entity %+v, want %+v", p, want)
	}
	if v[1].ID != 9 || v[1].Fields[PlayerScore] != 3 || v[1].Fields[PlayerDeaths] != 4 {
		t.Errorf("player entity %+v", v[1])
	}
	b := v[2]
	if b.ID != bulletIDBase || b.Kind != KindBullet || b.Fields[BulletDir] != 0x8123 ||
		b.Fields[BulletTick0] != 1 || b.Fields[BulletOwner] != 2 || b.X != b.Fields[BulletX0] || b.Y != b.Fields[BulletY0] {
		t.Errorf("bullet entity %+v", b)
	}
}

// TestBulletIDWrap: IDs wrap within the bullet range and the view stays
// sorted across the wrap.
func TestBulletIDWrap(t *testing.T) {
	h := newHarness(t, openConfig(), 1, 2, 3)
	h.w.nextBullet = math.MaxUint32 - 3
	for id := game.PlayerID(1); id <= 3; id++ {
		h.place(id, 200, 500*int32(id))
		h.in[id] = fireInput(aimRight)
	}
	seen := map[uint32]bool{}
	for range 40 {
		h.step(1)
		v := h.w.AppendView(nil)
		if !slices.IsSortedFunc(v, func(a, b game.Entity) int { return cmp.Compare(a.ID, b.ID) }) {
			t.Fatalf("tick %d: view not sorted by ID", h.tick)
		}
		for _, e := range v {
			if e.Kind == KindBullet {
				if e.ID < bulletIDBase {
					t.Fatalf("bullet ID %d in the player range", e.ID)
				}
				seen[e.ID] = true
			}
		}
	}
	if !seen[math.MaxUint32] || !seen[bulletIDBase] {
		t.Errorf("IDs did not wrap: %v", seen)
	}
}

func TestAppendViewAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	w := benchWorld(t, benchPlayers)
	dst := w.AppendView(nil)
	if n := testing.AllocsPerRun(100, func() { dst = w.AppendView(dst[:0]) }); n != 0 {
		t.Errorf("AppendView allocates %v times", n)
	}
	inputs := benchInputs(benchPlayers)
	tick := w.tick
	if n := testing.AllocsPerRun(100, func() {
		tick++
		w.Step(tick, inputs[tick%uint32(len(inputs))])
	}); n != 0 {
		t.Errorf("Step allocates %v times", n)
	}
}

func TestUnits(t *testing.T) {
	tests := []struct{ sub, view int32 }{
		{0, 0}, {14, 0}, {15, 1}, {30, 1}, {44, 1}, {45, 2}, {-15, 0}, {-16, -1}, {120, 4},
	}
	for _, tt := range tests {
		if got := ToView(tt.sub); got != tt.view {
			t.Errorf("ToView(%d) = %d, want %d", tt.sub, got, tt.view)
		}
	}
	if FromView(7) != 210 {
		t.Errorf("FromView(7) = %d", FromView(7))
	}
	r := New(nil)
	if w, h := r.WorldSize(); w != 2000 || h != 2000 {
		t.Errorf("WorldSize = %d×%d", w, h)
	}
	walls := r.Walls()
	walls[0].MinX = -1 // a copy: the rules are immutable
	if r.Walls()[0].MinX == -1 {
		t.Error("Walls returned the rules' own slice")
	}
}
