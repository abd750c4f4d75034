package play

import (
	"reflect"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/protocol"
)

// arenaOf is what a client should draw for rules, straight from the
// arena's own configuration (world units).
func arenaOf(r *arena.Rules) Arena {
	c := r.Config()
	w, h := r.WorldSize()
	a := Arena{
		Width: float64(w), Height: float64(h),
		Walls:        []Wall{},
		PlayerRadius: float64(c.PlayerRadius),
		BulletRadius: float64(c.BulletRadius),
		MaxHP:        c.MaxHP,
		ScoreLimit:   c.ScoreLimit,
		TimeLimit:    time.Duration(c.TimeLimit) * time.Second / time.Duration(c.TickRate),
	}
	for _, w := range r.Walls() {
		a.Walls = append(a.Walls, Wall{float64(w.MinX), float64(w.MinY), float64(w.MaxX), float64(w.MaxY)})
	}
	return a
}

// welcomeOf is the Welcome a server running r sends (its static part).
func welcomeOf(r *arena.Rules) protocol.Welcome {
	st := r.Static()
	w := protocol.Welcome{TickRate: uint32(r.TickRate()), Static: protocol.Static{Bounds: protocol.Rect(st.Bounds), Walls: []protocol.Rect{}}}
	for _, x := range st.Walls {
		w.Static.Walls = append(w.Static.Walls, protocol.Rect(x))
	}
	for _, p := range st.Params {
		w.Static.Params = append(w.Static.Params, protocol.Param(p))
	}
	return w
}

func TestArenaFrom(t *testing.T) {
	tests := []struct {
		name string
		cfg  *arena.Config
	}{
		{"defaults", nil},
		{"open", &arena.Config{Walls: []arena.Rect{}, WorldWidth: 900, WorldHeight: 500}},
		{"custom", &arena.Config{PlayerRadius: 33, BulletRadius: 5, MaxHP: 250, ScoreLimit: 3, TimeLimit: 90, TickRate: 30,
			Walls: []arena.Rect{{MinX: 1, MinY: 2, MaxX: 3, MaxY: 4}, {MinX: 100, MinY: 100, MaxX: 150, MaxY: 400}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := arena.New(tt.cfg)
			if got, want := ArenaFrom(welcomeOf(r)), arenaOf(r); !reflect.DeepEqual(got, want) {
				t.Fatalf("ArenaFrom\n got %+v\nwant %+v", got, want)
			}
		})
	}
	// A Welcome without a description: nothing to draw, nothing divides by
	// zero.
	if a := ArenaFrom(protocol.Welcome{}); a.Width != 0 || len(a.Walls) != 0 || a.TimeLimit != 0 {
		t.Fatalf("empty Welcome: %+v", a)
	}
}
