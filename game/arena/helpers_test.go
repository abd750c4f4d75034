package arena

import (
	"slices"
	"testing"

	"github.com/skirmishgg/skirmish/game"
)

// harness drives one world tick by tick with per-player held inputs.
type harness struct {
	t    *testing.T
	r    *Rules
	w    *World
	tick uint32
	in   map[game.PlayerID]game.Input
}

// openConfig is a wall-free arena, so tests control every obstacle.
func openConfig() *Config {
	return &Config{Walls: []Rect{}}
}

func newHarness(t *testing.T, cfg *Config, ids ...game.PlayerID) *harness {
	t.Helper()
	r := New(cfg)
	h := &harness{t: t, r: r, w: r.NewWorld(1).(*World), in: map[game.PlayerID]game.Input{}}
	for _, id := range ids {
		if err := h.w.AddPlayer(id); err != nil {
			t.Fatalf("AddPlayer(%d): %v", id, err)
		}
	}
	return h
}

func (h *harness) step(n int) {
	for range n {
		h.tick++
		var inputs []game.PlayerInput
		for id, in := range h.in {
			inputs = append(inputs, game.PlayerInput{Player: id, Input: in})
		}
		h.w.Step(h.tick, inputs)
	}
}

func (h *harness) player(id game.PlayerID) *player {
	h.t.Helper()
	i, ok := h.w.find(id)
	if !ok {
		h.t.Fatalf("player %d not in the world", id)
	}
	return &h.w.players[i]
}

// place puts a player at (x, y) world units.
func (h *harness) place(id game.PlayerID, x, y int32) {
	p := h.player(id)
	p.x, p.y = x*SubunitsPerUnit, y*SubunitsPerUnit
}

func (h *harness) events() []game.Event {
	return h.w.AppendEvents(nil)
}

func (h *harness) bullets() []game.Entity {
	var bs []game.Entity
	for _, e := range h.w.AppendView(nil) {
		if e.Kind == KindBullet {
			bs = append(bs, e)
		}
	}
	return bs
}

func eventsOf(evs []game.Event, kind game.EventKind) []game.Event {
	return slices.DeleteFunc(slices.Clone(evs), func(e game.Event) bool { return e.Kind != kind })
}

// aimAt is the aim angle pointing along the given axis direction.
const (
	aimRight uint16 = 0
	aimDown  uint16 = 16384
	aimLeft  uint16 = 32768
	aimUp    uint16 = 49152
)

func fireInput(aim uint16) game.Input {
	return game.Input{Aim: aim, Buttons: game.ButtonFire}
}
