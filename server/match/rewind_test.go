package match_test

import (
	"sync"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/server/match"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// inputLog is a match.Recorder that keeps the inputs of every step.
type inputLog struct {
	mu    sync.Mutex
	steps map[uint32][]game.PlayerInput
}

func (l *inputLog) Join(game.PlayerID, string) {}
func (l *inputLog) Leave(game.PlayerID)        {}
func (l *inputLog) End(uint32, game.Outcome)   {}
func (l *inputLog) Close(uint32)               {}
func (l *inputLog) Step(tick uint32, inputs []game.PlayerInput, _ game.World) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.steps[tick] = append([]game.PlayerInput(nil), inputs...)
}

func (l *inputLog) at(tick uint32) []game.PlayerInput {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.steps[tick]
}

// TestRewind: an input's rewind is the ticks since the view its client
// reports having drawn the others at, or, with no view reported, the ticks
// since the snapshot it had plus the assumed interpolation delay; never
// from a view newer than that snapshot; bounded by MaxRewind; kept while
// the input is held. Off, or for an input that names no snapshot, it is 0.
func TestRewind(t *testing.T) {
	const none = ^uint32(0)
	for _, tc := range []struct {
		name      string
		maxRewind time.Duration
		ack, view uint32 // ticks behind the step that takes the input; none: not sent
		want      uint16
	}{
		{"no view: round trip plus the assumed 100ms", 0, 3, none, 3 + 6},
		{"no view: bounded by the default 250ms", 0, 40, none, 15},
		{"view 50ms behind the snapshot", 0, 3, 6, 6},
		{"view 250ms behind, MaxRewind 500ms", 500 * time.Millisecond, 9, 9 + 15, 24},
		{"view at the snapshot", 0, 4, 4, 4},
		{"view newer than the snapshot counts as the snapshot", 0, 5, 1, 5},
		{"view from the future counts as the snapshot", 0, 5, 0, 5},
		{"absurdly old view: bounded by the default 250ms", 0, 3, 100000, 15},
		{"view bounded by MaxRewind", 100 * time.Millisecond, 3, 10, 6},
		{"off", -1, 3, 6, 0},
		{"no snapshot named, view sent", 0, none, 6, 0},
		{"no snapshot named", 0, none, none, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := &inputLog{steps: map[uint32][]game.PlayerInput{}}
			m := servertest.StartMatch(t, arena.New(nil), &match.Options{Recorder: log, MaxRewind: tc.maxRewind})
			p, _ := m.Join("a", "ann")
			m.Advance(50)
			at := m.Tick() + 1 // the next step takes the input
			var seen match.Seen
			if tc.ack != none {
				seen.Ack = at - tc.ack
			}
			if tc.view != none {
				seen.View = at - tc.view // wraps past 0 for the absurd one: older than any tick
				if tc.view > at {
					seen.View = 1
				}
			}
			p.PushSeen(game.Input{Seq: 1, MoveX: 10}, seen)
			m.Advance(3) // applied at the first, held for two more
			for i := uint32(0); i < 3; i++ {
				in := log.at(at + i)
				if len(in) != 1 || in[0].Input.Seq != 1 || in[0].Input.Rewind != tc.want {
					t.Fatalf("step %d: inputs %+v, want rewind %d", i, in, tc.want)
				}
			}
		})
	}
}
