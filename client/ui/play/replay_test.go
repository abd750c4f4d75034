package play

import (
	"math"
	"testing"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/game/arena"
)

func player(id uint32, x, y, aim, hp, score int32) game.Entity {
	e := game.Entity{ID: id, Kind: arena.KindPlayer, X: x, Y: y}
	e.Fields[arena.PlayerX], e.Fields[arena.PlayerY], e.Fields[arena.PlayerAim] = x, y, aim
	e.Fields[arena.PlayerHP], e.Fields[arena.PlayerScore] = hp, score
	return e
}

// TestSetView: a replay's view becomes the scene the renderer draws,
// between two ticks when playing.
func TestSetView(t *testing.T) {
	const vu = arena.ViewUnitsPerUnit
	cur := []game.Entity{player(1, 400*vu, 200*vu, 4, 80, 2), player(2, 1000*vu, 1000*vu, 64, 100, 5)}
	prev := []game.Entity{player(1, 396*vu, 200*vu, 250, 90, 2), player(2, 10*vu, 10*vu, 64, 100, 5)}
	name := func(id uint32) string { return map[uint32]string{1: "ann", 2: "bob"}[id] }
	rules := arena.New(nil)
	for _, tc := range []struct {
		name     string
		prev     []game.Entity
		k        float64
		x1, aim1 float64
		render   float64
	}{
		{"paused: the tick as it is", nil, 1, 400, 4, 100},
		{"halfway", prev, 0.5, 398, 255, 99.5}, // aim 250 → 4 the short way: through 255
		{"at the tick before", prev, 0, 396, 250, 99},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var sc Scene
			sc.SetView(cur, tc.prev, tc.k, 100, rules, 2, name)
			if len(sc.Players) != 2 || sc.Render != tc.render || sc.Me != 2 || !sc.HaveMe {
				t.Fatalf("scene %+v", sc)
			}
			p1 := sc.Player(1)
			if math.Abs(p1.X-tc.x1) > 1e-9 || p1.Y != 200 || p1.Name != "ann" || p1.HP != 80 || p1.Me {
				t.Fatalf("player 1 %+v, want x %v", *p1, tc.x1)
			}
			if want := tc.aim1 / 256 * 2 * math.Pi; math.Abs(p1.Aim-want) > 1e-9 {
				t.Fatalf("aim %v, want %v", p1.Aim, want)
			}
			// Player 2 respawned across the map: drawn where it landed.
			if p2 := sc.Player(2); p2.X != 1000 || p2.Y != 1000 || !p2.Me || sc.MeX != 1000 {
				t.Fatalf("player 2 %+v", *p2)
			}
			if sc.Roster[0].ID != 2 || sc.Roster[1].ID != 1 {
				t.Fatalf("roster %+v: bob (5) ranks first", sc.Roster)
			}
		})
	}
}
