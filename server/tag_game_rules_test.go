package server_test

import (
	"slices"
	"testing"

	"github.com/skirmishgg/skirmish/game"
)

// The tag game alone, through the game contract: no server involved.

var _ game.Rules = (*tagRules)(nil)

func smallTag(cooldown, ticks uint32) *tagRules {
	return &tagRules{W: 40, H: 30, Radius: 4, Speed: 2, Cooldown: cooldown, Ticks: ticks, Rate: 60, Players: 4}
}

// newTagWorld returns a world with a runner for each position, IDs 1, 2, ...
// in order; runner 1 is it.
func newTagWorld(t *testing.T, r *tagRules, pos ...[2]int32) *tagWorld {
	t.Helper()
	w := r.NewWorld(7).(*tagWorld)
	for i, p := range pos {
		if err := w.AddPlayer(game.PlayerID(i + 1)); err != nil {
			t.Fatal(err)
		}
		w.runners[i].x, w.runners[i].y = p[0], p[1]
	}
	return w
}

// itOf reads who is it from the world's view, as a client would.
func itOf(w game.World) (it game.PlayerID, runners int) {
	for _, e := range w.AppendView(nil) {
		if e.Kind == tagRunner {
			runners++
			if e.Fields[runnerIt] == 1 {
				if it != 0 {
					return 0, runners // two runners are it
				}
				it = game.PlayerID(e.ID)
			}
		}
	}
	return it, runners
}

// playTag runs a world for steps with inputs made up from the tick and the
// player, and returns its hash after every step and all its events.
// reversed hands each step's inputs over in the opposite order.
func playTag(r *tagRules, seed uint64, players, steps int, reversed bool) (hashes []uint64, events []game.Event) {
	w := r.NewWorld(seed)
	for id := range players {
		w.AddPlayer(game.PlayerID(id + 1))
	}
	var inputs []game.PlayerInput
	for tick := uint32(1); tick <= uint32(steps); tick++ {
		inputs = inputs[:0]
		for id := range players {
			// A wander that changes direction every 20 steps.
			z := (uint64(tick/20)*31 + uint64(id)*17) * 0x9e3779b97f4a7c15
			inputs = append(inputs, game.PlayerInput{Player: game.PlayerID(id + 1), Input: game.Input{
				Seq: tick, MoveX: int8(z>>8) % game.AxisMax, MoveY: int8(z>>16) % game.AxisMax,
			}})
		}
		if reversed {
			slices.Reverse(inputs)
		}
		w.Step(tick, inputs)
		hashes = append(hashes, w.Hash())
		events = w.AppendEvents(events)
	}
	return hashes, events
}

func TestTagDeterminism(t *testing.T) {
	r := smallTag(10, 1000)
	h1, e1 := playTag(r, 42, 3, 600, false)
	h2, e2 := playTag(r, 42, 3, 600, false)
	h3, e3 := playTag(r, 42, 3, 600, true)
	if !slices.Equal(h1, h2) || !slices.Equal(e1, e2) {
		t.Fatal("same seed and inputs gave different worlds")
	}
	if !slices.Equal(h1, h3) || !slices.Equal(e1, e3) {
		t.Fatal("the order of the inputs changed the world")
	}
	if len(e1) == 0 {
		t.Fatal("no tag in 600 steps: the test exercises nothing")
	}
	if h4, _ := playTag(r, 43, 3, 600, false); h4[0] == h1[0] {
		t.Fatal("another seed gave the same world")
	}
}

func TestTagPassesOnTouch(t *testing.T) {
	const R = 4 // smallTag's radius: runners touch within 2R
	tests := []struct {
		name   string
		pos    [][2]int32 // runner 1, who is it, first
		wantIt game.PlayerID
	}{
		{"apart", [][2]int32{{10, 10}, {10 + 2*R + 1, 10}}, 1},
		{"diagonally apart", [][2]int32{{10, 10}, {16, 16}}, 1}, // 6² + 6² > 8²
		{"touching at 2R", [][2]int32{{10, 10}, {10 + 2*R, 10}}, 2},
		{"overlapping", [][2]int32{{10, 10}, {10, 10}}, 2},
		{"the nearest of two", [][2]int32{{10, 10}, {10 + 2*R, 10}, {10, 10 + R}}, 3},
		{"the lowest ID on a tie", [][2]int32{{20, 10}, {20 - R, 10}, {20 + R, 10}}, 2},
		{"others touching each other", [][2]int32{{5, 5}, {30, 20}, {31, 20}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newTagWorld(t, smallTag(10, 100), tt.pos...)
			w.Step(1, nil)
			it, n := itOf(w)
			if it != tt.wantIt || n != len(tt.pos) {
				t.Fatalf("it = %d of %d runners, want %d of %d", it, n, tt.wantIt, len(tt.pos))
			}
			events := w.AppendEvents(nil)
			if tt.wantIt == 1 {
				if len(events) != 0 {
					t.Fatalf("events %+v, want none", events)
				}
				return
			}
			p := tt.pos[tt.wantIt-1]
			want := game.Event{Kind: tagPassed, Tick: 1, Actor: 1, Target: tt.wantIt, X: p[0], Y: p[1]}
			if len(events) != 1 || events[0] != want {
				t.Fatalf("events %+v, want [%+v]", events, want)
			}
		})
	}
}

// Two runners standing on each other pass the tag back and forth, once
// every Cooldown+1 steps.
func TestTagCooldown(t *testing.T) {
	for _, cooldown := range []uint32{0, 1, 5, 30} {
		w := newTagWorld(t, smallTag(cooldown, 1000), [2]int32{10, 10}, [2]int32{12, 10})
		var got []game.Event
		for tick := uint32(1); tick <= 100; tick++ {
			w.Step(tick, nil)
			got = w.AppendEvents(got)
		}
		for i, e := range got {
			tick := 1 + uint32(i)*(cooldown+1)
			actor, target := game.PlayerID(1+i%2), game.PlayerID(2-i%2)
			if e.Tick != tick || e.Actor != actor || e.Target != target {
				t.Fatalf("cooldown %d: tag %d is %+v, want %d→%d at tick %d", cooldown, i, e, actor, target, tick)
			}
		}
		if want := int(99/(cooldown+1)) + 1; len(got) != want {
			t.Fatalf("cooldown %d: %d tags in 100 steps, want %d", cooldown, len(got), want)
		}
	}
}

func TestTagOutcome(t *testing.T) {
	w := newTagWorld(t, smallTag(10, 10), [2]int32{5, 5}, [2]int32{30, 20}, [2]int32{30, 5})
	for tick := uint32(5); tick < 14; tick++ { // the match starts at tick 5
		w.Step(tick, nil)
		if out := w.Outcome(); out.Ended {
			t.Fatalf("ended at tick %d: %+v", tick, out)
		}
	}
	if end := w.AppendView(nil)[3]; end.Kind != tagField || end.Fields[fieldEnd] != 14 || end.Fields[fieldW] != 40 {
		t.Fatalf("field entity %+v, want the end at tick 14 on a 40 wide field", end)
	}
	// Runner 1 was it all along; when it leaves, another runner is.
	w.RemovePlayer(1)
	if it, n := itOf(w); it == 0 || n != 2 {
		t.Fatalf("after it left: it = %d of %d runners", it, n)
	}
	w.Step(14, nil)
	out := w.Outcome()
	if !out.Ended || out.Reason != "time_limit" || len(out.Results) != 2 {
		t.Fatalf("outcome %+v", out)
	}
	// The new it was it for one step, the other for none.
	if out.Results[0].Score != 0 || out.Results[1].Score != -1 || out.Winner != out.Results[0].Player {
		t.Fatalf("results %+v, winner %d", out.Results, out.Winner)
	}
	h := w.Hash()
	w.Step(15, []game.PlayerInput{{Player: 2, Input: game.Input{MoveX: game.AxisMax}}})
	if w.Hash() != h || len(w.AppendEvents(nil)) != 0 {
		t.Fatal("the world changed after the end")
	}
}
