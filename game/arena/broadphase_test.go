package arena

import (
	"slices"
	"testing"

	"github.com/skirmishgg/skirmish/game"
)

// TestPlayerCellsChangeNothing plays crowded matches twice, once testing
// every bullet against every player and once through the grid, and
// requires the same world and the same events at every step: the grid is
// only a shortcut. Small arenas and many players make hits, ties, deaths
// and respawns (which move players mid-step) frequent.
func TestPlayerCellsChangeNothing(t *testing.T) {
	cases := []struct {
		name    string
		players int
		size    int32
		seed    uint64
	}{
		{"crowded default arena", 200, 2000, 1},
		{"small open arena", 64, 600, 2},
		{"big sparse arena", 300, 6000, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := &Config{MaxPlayers: tc.players, WorldWidth: tc.size, WorldHeight: tc.size, ScoreLimit: 1 << 20, MaxHP: 30}
			if tc.size != 2000 {
				cfg.Walls = []Rect{}
			}
			rules := New(cfg)
			grid := rules.NewWorld(tc.seed).(*World)
			scan := rules.NewWorld(tc.seed).(*World)
			scan.noCells = true
			for id := game.PlayerID(1); id <= game.PlayerID(tc.players); id++ {
				if err := grid.AddPlayer(id); err != nil {
					t.Fatal(err)
				}
				if err := scan.AddPlayer(id); err != nil {
					t.Fatal(err)
				}
			}
			rng := splitmix{tc.seed}
			inputs := make([]game.PlayerInput, tc.players)
			deaths := 0
			for tick := uint32(1); tick <= 600; tick++ {
				for i := range inputs {
					in := &inputs[i].Input
					inputs[i].Player = game.PlayerID(i + 1)
					if rng.next()%30 == 0 {
						in.MoveX, in.MoveY = int8(rng.next()), int8(rng.next())
					}
					in.Aim = uint16(rng.next())
					in.Buttons = game.ButtonFire
					in.Seq = tick
				}
				grid.Step(tick, inputs)
				scan.Step(tick, inputs)
				if grid.Hash() != scan.Hash() {
					t.Fatalf("tick %d: worlds differ", tick)
				}
				ge, se := grid.AppendEvents(nil), scan.AppendEvents(nil)
				if !slices.Equal(ge, se) {
					t.Fatalf("tick %d: events differ:\n grid %v\n scan %v", tick, ge, se)
				}
				for _, e := range ge {
					if e.Kind == game.EventDeath {
						deaths++
					}
				}
			}
			if deaths == 0 {
				t.Fatal("nobody died: the scenario does not exercise respawns")
			}
			t.Logf("%d deaths over 600 steps", deaths)
		})
	}
}
