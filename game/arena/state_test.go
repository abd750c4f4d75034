package arena

import (
	"bytes"
	"errors"
	"slices"
	"testing"

	"github.com/skirmishgg/skirmish/game"
)

// fight drives a world of 8 players who chase and shoot each other with
// lag-compensated shots, by inputs scripted from seed and the world
// itself; a ninth player joins at tick 400 and player 3 leaves at 500.
type fight struct {
	w      *World
	worlds []*World // the worlds joins and leaves apply to
	rng    splitmix
	tick   uint32
	cur    [10]game.Input
	inputs []game.PlayerInput
}

func newFight(t *testing.T, seed uint64) *fight {
	t.Helper()
	f := &fight{w: New(&Config{MaxPlayers: 10}).NewWorld(seed).(*World), rng: splitmix{seed}}
	f.worlds = []*World{f.w}
	for id := game.PlayerID(1); id <= 8; id++ {
		if err := f.w.AddPlayer(id); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// next moves on to the next tick and applies its joins and leaves.
func (f *fight) next(t *testing.T) {
	t.Helper()
	f.tick++
	for _, w := range f.worlds {
		switch f.tick {
		case 400:
			if err := w.AddPlayer(9); err != nil {
				t.Fatal(err)
			}
		case 500:
			w.RemovePlayer(3)
		}
	}
}

// script returns the inputs of the tick.
func (f *fight) script() []game.PlayerInput {
	f.inputs = f.inputs[:0]
	for i := range f.w.players {
		a := &f.w.players[i]
		in := &f.cur[a.id]
		b := &f.w.players[(i+1+int(f.tick/90))%len(f.w.players)]
		if a.id != b.id {
			in.Aim = aimAt(*a, *b) + uint16(f.rng.intn(2048)) - 1024
			in.MoveX = int8(clamp((b.x-a.x)/256+int32(f.rng.intn(81))-40, -127, 127))
			in.MoveY = int8(clamp((b.y-a.y)/256+int32(f.rng.intn(81))-40, -127, 127))
		}
		in.Buttons = 0
		if f.rng.intn(4) != 0 {
			in.Buttons = game.ButtonFire
		}
		in.Rewind = uint16(f.rng.intn(24))
		in.Seq++
		if f.rng.intn(40) != 0 { // sometimes a player sends nothing
			f.inputs = append(f.inputs, game.PlayerInput{Player: a.id, Input: *in})
		}
	}
	return f.inputs
}

// TestStateRestoresBitIdentical: a world restored from the state of
// another after tick T steps on exactly as that one does for the next
// ticks (hash, view and events every step), whatever the moment: at the
// start, mid-fight with bullets in flight, at the tick a player died and
// respawned (its trail restarting), with a join pending, after the end.
func TestStateRestoresBitIdentical(t *testing.T) {
	type moment struct {
		name string
		at   func(f *fight, events []game.Event) bool
	}
	died := func(_ *fight, ev []game.Event) bool {
		return slices.ContainsFunc(ev, func(e game.Event) bool { return e.Kind == game.EventDeath })
	}
	moments := []moment{
		{"first tick", func(f *fight, _ []game.Event) bool { return f.tick == 1 }},
		{"mid-fight", func(f *fight, _ []game.Event) bool {
			return f.tick > 150 && len(f.w.bullets) > 5 && slices.ContainsFunc(f.w.bullets, func(b bullet) bool { return b.rewind > 0 })
		}},
		{"respawn", died},
		{"second respawn", func(f *fight, ev []game.Event) bool { return f.tick > 300 && died(f, ev) }},
		{"join pending", func(f *fight, _ []game.Event) bool { return f.tick == 399 }},
		{"after leave", func(f *fight, _ []game.Event) bool { return f.tick == 501 }},
	}
	for _, seed := range []uint64{1, 7, 0xC0FFEE} {
		for _, m := range moments {
			t.Run(m.name, func(t *testing.T) {
				f := newFight(t, seed)
				var events []game.Event
				for {
					f.next(t)
					f.w.Step(f.tick, f.script())
					events = f.w.AppendEvents(events[:0])
					if m.at(f, events) {
						break
					}
					if f.tick > 3000 {
						t.Fatalf("seed %d: the moment never came", seed)
					}
				}
				pending := m.name == "join pending"
				if pending { // the join of tick 400 is applied, not stepped yet
					f.next(t)
				}
				state := f.w.AppendState(nil)
				r := New(&Config{MaxPlayers: 10}).NewWorld(99).(*World)
				if err := r.RestoreState(state); err != nil {
					t.Fatal(err)
				}
				if again := r.AppendState(nil); !bytes.Equal(again, state) {
					t.Fatalf("seed %d tick %d: the restored world's state differs", seed, f.tick)
				}
				if r.Hash() != f.w.Hash() {
					t.Fatalf("seed %d tick %d: hash %x, restored %x", seed, f.tick, f.w.Hash(), r.Hash())
				}
				f.worlds = append(f.worlds, r)
				at := f.tick
				var ev1, ev2 []game.Event
				var v1, v2 []game.Entity
				for range 600 {
					if !pending {
						f.next(t)
					}
					pending = false
					in := f.script()
					f.w.Step(f.tick, in)
					r.Step(f.tick, in)
					ev1, ev2 = f.w.AppendEvents(ev1[:0]), r.AppendEvents(ev2[:0])
					v1, v2 = f.w.AppendView(v1[:0]), r.AppendView(v2[:0])
					if f.w.Hash() != r.Hash() || !slices.Equal(ev1, ev2) || !slices.Equal(v1, v2) {
						t.Fatalf("seed %d: restored at tick %d, it differs at tick %d", seed, at, f.tick)
					}
				}
			})
		}
	}
}

// FuzzRestoreState: any bytes give a world or an error wrapping
// ErrBadState, never a panic; a world they give steps, and its state
// round-trips.
func FuzzRestoreState(f *testing.F) {
	fi := &fight{w: New(&Config{MaxPlayers: 10}).NewWorld(3).(*World), rng: splitmix{3}}
	for id := game.PlayerID(1); id <= 4; id++ {
		fi.w.AddPlayer(id)
	}
	fi.worlds = []*World{fi.w}
	f.Add(fi.w.AppendState(nil))
	for range 200 {
		fi.tick++
		fi.w.Step(fi.tick, fi.script())
	}
	f.Add(fi.w.AppendState(nil))
	f.Add([]byte{stateVersion})
	f.Add([]byte{})
	rules := New(&Config{MaxPlayers: 10})
	f.Fuzz(func(t *testing.T, b []byte) {
		w := rules.NewWorld(1).(*World)
		if err := w.RestoreState(b); err != nil {
			if !errors.Is(err, ErrBadState) {
				t.Fatalf("error %v does not wrap ErrBadState", err)
			}
			return
		}
		s := w.AppendState(nil)
		w2 := rules.NewWorld(2).(*World)
		if err := w2.RestoreState(s); err != nil {
			t.Fatalf("a state the world appended: %v", err)
		}
		if !bytes.Equal(w2.AppendState(nil), s) || w2.Hash() != w.Hash() {
			t.Fatal("the state does not round-trip")
		}
		w.Step(w.tick+1, nil)
		w.AppendView(nil)
	})
}
