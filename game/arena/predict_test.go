package arena

import (
	"testing"

	"github.com/skirmishgg/skirmish/game"
)

// viewOf returns player id's entity in the world's view.
func viewOf(t *testing.T, w *World, id game.PlayerID) game.Entity {
	t.Helper()
	for _, e := range w.AppendView(nil) {
		if e.ID == uint32(id) {
			return e
		}
	}
	t.Fatalf("player %d not in the view", id)
	return game.Entity{}
}

// A client stepping its own player with PredictStep from the view it was
// given stays exactly on the server's path: same subunits every step, same
// view fields, walls and world edges included.
func TestPredictStepFollowsStep(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  *Config
		seed uint64
	}{
		{"default walls", nil, 1},
		{"open arena", openConfig(), 2},
		{"small world, many edges", &Config{WorldWidth: 200, WorldHeight: 150, Walls: []Rect{{60, 40, 90, 120}}, Spawns: []Point{{30, 30}}}, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t, c.cfg, 1, 2)
			rng := splitmix{c.seed}
			// Spawn points lie on the view grid, so the view is exact.
			s := h.r.PredictState(viewOf(t, h.w, 1), nil)
			if p := h.player(1); s[StateX] != p.x || s[StateY] != p.y {
				t.Fatalf("state %v from the view, player at %d,%d", s, p.x, p.y)
			}
			var in game.Input
			for step := range 3000 {
				if rng.intn(15) == 0 {
					in = game.Input{Seq: uint32(step), MoveX: int8(rng.next()), MoveY: int8(rng.next()), Aim: uint16(rng.next())}
				}
				h.in[1] = in
				h.step(1)
				s = h.r.PredictStep(s, in)
				p := h.player(1)
				if s[StateX] != p.x || s[StateY] != p.y || s[StateAim] != int32(p.in.Aim) {
					t.Fatalf("step %d: predicted %v, server at %d,%d aim %d", step, s, p.x, p.y, p.in.Aim)
				}
				e := viewOf(t, h.w, 1)
				if got := h.r.PredictEntity(s, e); got != e {
					t.Fatalf("step %d: predicted entity %+v, view %+v", step, got, e)
				}
			}
		})
	}
}

func TestPredictStateAndEntity(t *testing.T) {
	r := New(nil)
	player := game.Entity{ID: 3, Kind: KindPlayer, X: 101, Y: 202,
		Fields: [game.MaxFields]int32{PlayerX: 101, PlayerY: 202, PlayerAim: 200, PlayerHP: 70, PlayerScore: 4, PlayerDeaths: 2}}
	bullet := game.Entity{ID: 70000, Kind: KindBullet, Fields: [game.MaxFields]int32{1, 2, 3, 4, 5}}
	for _, c := range []struct {
		name string
		s    game.PlayerState
		e    game.Entity
		want game.Entity
	}{
		{"round trip", r.PredictState(player, nil), player, player},
		{"bullet untouched", game.PlayerState{StateX: 999}, bullet, bullet},
		{"fields from the state, rounded like the view", game.PlayerState{StateX: 45, StateY: 44, StateAim: 0xFFFF}, player,
			game.Entity{ID: 3, Kind: KindPlayer, X: 2, Y: 1,
				Fields: [game.MaxFields]int32{PlayerX: 2, PlayerY: 1, PlayerAim: 255, PlayerHP: 70, PlayerScore: 4, PlayerDeaths: 2}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := r.PredictEntity(c.s, c.e); got != c.want {
				t.Fatalf("PredictEntity = %+v, want %+v", got, c.want)
			}
		})
	}
	if s := r.PredictState(bullet, nil); s != (game.PlayerState{}) {
		t.Fatalf("state of a bullet %v, want zero", s)
	}
	if s := r.PredictState(player, nil); s != (game.PlayerState{StateX: 101 * SubunitsPerViewUnit, StateY: 202 * SubunitsPerViewUnit, StateAim: 200 << 8}) {
		t.Fatalf("state %v", s)
	}
}

// With a hint, PredictState keeps as much of the hint as the view allows.
func TestPredictStateNearHint(t *testing.T) {
	r := New(nil)
	e := game.Entity{ID: 1, Kind: KindPlayer, Fields: [game.MaxFields]int32{PlayerX: 10, PlayerY: 20, PlayerAim: 64}}
	// View unit 10 spans subunits 285..314, 20 spans 585..614.
	for _, c := range []struct {
		name       string
		hint, want game.PlayerState
	}{
		{"inside: kept", game.PlayerState{StateX: 290, StateY: 614, StateAim: 64<<8 | 77}, game.PlayerState{StateX: 290, StateY: 614, StateAim: 64<<8 | 77}},
		{"outside: nearest edge", game.PlayerState{StateX: 100, StateY: 615, StateAim: 65 << 8}, game.PlayerState{StateX: 285, StateY: 614, StateAim: 64 << 8}},
		{"far above", game.PlayerState{StateX: 1 << 30, StateY: -1 << 30}, game.PlayerState{StateX: 314, StateY: 585, StateAim: 64 << 8}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := r.PredictState(e, &c.hint)
			if got != c.want {
				t.Fatalf("PredictState = %v, want %v", got, c.want)
			}
			if pe := r.PredictEntity(got, e); pe.Fields != e.Fields {
				t.Fatalf("state %v does not give back the view: %v", got, pe.Fields)
			}
		})
	}
}
