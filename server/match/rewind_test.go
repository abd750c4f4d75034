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

// TestRewind: an input's rewind is the ticks since the snapshot its client
// had, plus the interpolation delay, bounded by MaxRewind; it is kept while
// the input is held; off, or for an input that names no snapshot, it is 0.
func TestRewind(t *testing.T) {
	for _, tc := range []struct {
		name      string
		maxRewind time.Duration
		behind    uint32 // the input was sent with the snapshot this many ticks old
		noView    bool
		want      uint16
	}{
		{"round trip plus interpolation", 0, 3, false, 3 + 6},
		{"bounded by the default 200ms", 0, 40, false, 12},
		{"bounded by MaxRewind", 100 * time.Millisecond, 40, false, 6},
		{"off", -1, 3, false, 0},
		{"no snapshot named", 0, 3, true, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			log := &inputLog{steps: map[uint32][]game.PlayerInput{}}
			m := servertest.StartMatch(t, arena.New(nil), &match.Options{Recorder: log, MaxRewind: tc.maxRewind})
			p, _ := m.Join("a", "ann")
			m.Advance(50)
			viewed := m.Tick() + 1 - tc.behind // the next step runs at Tick()+1
			if tc.noView {
				viewed = 0
			}
			p.PushViewed(game.Input{Seq: 1, MoveX: 10}, viewed)
			m.Advance(3) // applied at the first, held for two more
			for i := uint32(0); i < 3; i++ {
				in := log.at(viewed + tc.behind + i)
				if tc.noView {
					in = log.at(m.Tick() - 2 + i)
				}
				if len(in) != 1 || in[0].Input.Seq != 1 || in[0].Input.Rewind != tc.want {
					t.Fatalf("step %d: inputs %+v, want rewind %d", i, in, tc.want)
				}
			}
		})
	}
}
