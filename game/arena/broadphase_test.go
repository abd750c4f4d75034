package arena

import (
	"slices"
	"testing"

	"github.com/skirmishgg/skirmish/game"
)

// TestPlayerCellsChangeNothing plays crowded matches three ways: testing
// every bullet against every player (brute force), the scan of small
// worlds (players out of the bullet's reach skipped) and, from
// gridMinPlayers, the grid. It requires the same world and the same events
// at every step: both are only shortcuts. Small arenas and many players
// make hits, ties, deaths and respawns (which move players mid-step)
// frequent, and half the shots are lag compensated (rewound up to
// MaxRewindTicks), the case where the reach is widest.
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
		{"a match of 16, scanned", 16, 400, 4},
		{"a match of 16 in the default arena", 16, 2000, 5},
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
			brute := rules.NewWorld(tc.seed).(*World)
			brute.bruteForce = true
			for id := game.PlayerID(1); id <= game.PlayerID(tc.players); id++ {
				for _, w := range []*World{grid, scan, brute} {
					if err := w.AddPlayer(id); err != nil {
						t.Fatal(err)
					}
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
					in.Rewind = 0
					if rng.next()%2 == 0 {
						in.Rewind = uint16(rng.next() % (MaxRewindTicks + 1))
					}
				}
				grid.Step(tick, inputs)
				scan.Step(tick, inputs)
				brute.Step(tick, inputs)
				if grid.Hash() != brute.Hash() || scan.Hash() != brute.Hash() {
					t.Fatalf("tick %d: worlds differ", tick)
				}
				ge, se, be := grid.AppendEvents(nil), scan.AppendEvents(nil), brute.AppendEvents(nil)
				if !slices.Equal(ge, be) || !slices.Equal(se, be) {
					t.Fatalf("tick %d: events differ:\n grid  %v\n scan  %v\n brute %v", tick, ge, se, be)
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
