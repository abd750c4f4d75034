package arena

import (
	"slices"
	"testing"

	"github.com/skirmishgg/skirmish/game"
)

func TestStatic(t *testing.T) {
	tests := []struct {
		name string
		cfg  *Config
	}{
		{"defaults", nil},
		{"open and small", &Config{WorldWidth: 500, WorldHeight: 300, Walls: []Rect{}}},
		{"custom sizes", &Config{PlayerRadius: 30, BulletRadius: 7, PlayerSpeed: 240, BulletSpeed: 900, TickRate: 30,
			Walls: []Rect{{10, 20, 30, 40}, {300, 200, 100, 100}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := New(tt.cfg)
			st := r.Static()
			c := r.Config()
			w, h := r.WorldSize()
			if want := (game.Rect{MaxX: w * ViewUnitsPerUnit, MaxY: h * ViewUnitsPerUnit}); st.Bounds != want {
				t.Errorf("Bounds = %+v, want %+v", st.Bounds, want)
			}
			var walls []game.Rect
			for _, w := range r.Walls() {
				walls = append(walls, game.Rect{MinX: w.MinX * ViewUnitsPerUnit, MinY: w.MinY * ViewUnitsPerUnit, MaxX: w.MaxX * ViewUnitsPerUnit, MaxY: w.MaxY * ViewUnitsPerUnit})
			}
			if !slices.Equal(st.Walls, walls) {
				t.Errorf("Walls = %v, want %v", st.Walls, walls)
			}
			var names []string
			for _, p := range st.Params {
				names = append(names, p.Name)
			}
			wantNames := []string{ParamPlayerRadius, ParamBulletRadius, ParamMuzzleOffset, ParamPlayerSpeed, ParamBulletSpeed,
				ParamBulletLifetime, ParamFireCooldown, ParamMaxHP, ParamDamage, ParamScoreLimit, ParamTimeLimit}
			if !slices.Equal(names, wantNames) {
				t.Fatalf("param names %v, want %v", names, wantNames)
			}
			for _, want := range []game.Param{
				{Name: ParamPlayerRadius, Value: c.PlayerRadius * ViewUnitsPerUnit},
				{Name: ParamBulletRadius, Value: c.BulletRadius * ViewUnitsPerUnit},
				{Name: ParamMuzzleOffset, Value: (c.PlayerRadius + c.BulletRadius) * ViewUnitsPerUnit},
				{Name: ParamBulletLifetime, Value: c.BulletLifetime},
				{Name: ParamMaxHP, Value: c.MaxHP},
				{Name: ParamScoreLimit, Value: c.ScoreLimit},
				{Name: ParamTimeLimit, Value: c.TimeLimit},
			} {
				if got, ok := st.Param(want.Name); !ok || got != want.Value {
					t.Errorf("Param(%q) = %d, %v; want %d", want.Name, got, ok, want.Value)
				}
			}
		})
	}
}

// TestStaticMatchesSimulation checks the description against what the
// simulation does: a bullet appears muzzle_offset from its shooter, flies
// bullet_speed, and a player runs player_speed.
func TestStaticMatchesSimulation(t *testing.T) {
	h := newHarness(t, openConfig(), 1, 2)
	h.place(1, 500, 500)
	h.place(2, 1500, 1500)
	st := h.r.Static()
	param := func(name string) int32 {
		v, ok := st.Param(name)
		if !ok {
			t.Fatalf("no param %q", name)
		}
		return v
	}
	h.in[1] = game.Input{Aim: 0, Buttons: game.ButtonFire}
	h.in[2] = game.Input{MoveX: game.AxisMax}
	h.step(1)
	view := h.w.AppendView(nil)
	var shooter, runner, bullet *game.Entity // runner: checks the view has both players
	for i := range view {
		switch e := &view[i]; {
		case e.Kind == KindBullet:
			bullet = e
		case e.ID == 1:
			shooter = e
		case e.ID == 2:
			runner = e
		}
	}
	if bullet == nil || shooter == nil || runner == nil {
		t.Fatalf("view %v: want a bullet and two players", view)
	}
	if got, want := bullet.Fields[0]-shooter.Fields[0], param(ParamMuzzleOffset); got != want || bullet.Fields[1] != shooter.Fields[1] {
		t.Errorf("bullet at (%d, %d), shooter at (%d, %d): offset %d, want muzzle_offset %d",
			bullet.Fields[0], bullet.Fields[1], shooter.Fields[0], shooter.Fields[1], got, want)
	}
	rate := int32(h.r.TickRate())
	if x, _ := h.r.BulletPosition(bullet.Fields[:5], h.tick+uint32(rate)); x-bullet.Fields[0] != param(ParamBulletSpeed) {
		t.Errorf("a bullet flies %d view units a second, want bullet_speed %d", x-bullet.Fields[0], param(ParamBulletSpeed))
	}
	h.step(int(rate) - 1) // a second after the placement
	if moved := ToView(h.player(2).x) - 1500*ViewUnitsPerUnit; moved != param(ParamPlayerSpeed) {
		t.Errorf("a player ran %d view units in a second, want player_speed %d", moved, param(ParamPlayerSpeed))
	}
}

// TestDocExampleBullet pins the bullet of docs/PROTOCOL.md's worked
// snapshot example (protocol/docs_test.go encodes it): player 2 at view
// (1200, 6400) fires upwards, and its bullet starts muzzle_offset above it.
func TestDocExampleBullet(t *testing.T) {
	h := newHarness(t, nil, 2) // the default arena, as in the document
	h.place(2, 1200/ViewUnitsPerUnit, 6400/ViewUnitsPerUnit)
	h.in[2] = game.Input{Aim: 49152, Buttons: game.ButtonFire}
	h.step(1)
	var got []int32
	for _, e := range h.w.AppendView(nil) {
		if e.Kind == KindBullet {
			got = e.Fields[:5]
		}
	}
	want := []int32{1200, 6304, 49152, int32(h.tick), 2}
	if !slices.Equal(got, want) {
		t.Fatalf("bullet fields %v, want %v", got, want)
	}
	if m, _ := h.r.Static().Param(ParamMuzzleOffset); 6400-m != 6304 {
		t.Fatalf("muzzle_offset %d", m)
	}
}
