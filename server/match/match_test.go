package match_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/game"
	"github.com/skirmishgg/skirmish/server/match"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// recordingRules is a minimal game that records what each Step received, so
// loop tests can check exactly when inputs took effect.
type recordingRules struct {
	mu    sync.Mutex
	steps []recordedStep
}

type recordedStep struct {
	tick   uint32
	inputs []game.PlayerInput
}

func (r *recordingRules) Name() string    { return "recording" }
func (r *recordingRules) TickRate() int   { return 60 }
func (r *recordingRules) MaxPlayers() int { return 4 }
func (r *recordingRules) Schema() game.Schema {
	return game.Schema{Kinds: []game.KindSchema{{Name: "dot", Fields: []string{"x"}}}}
}
func (r *recordingRules) Static() game.Static             { return game.Static{} }
func (r *recordingRules) NewWorld(seed uint64) game.World { return &recordingWorld{rules: r} }

func (r *recordingRules) recorded() []recordedStep {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recordedStep(nil), r.steps...)
}

type recordingWorld struct {
	rules   *recordingRules
	players []game.PlayerID
	tick    uint32
}

func (w *recordingWorld) AddPlayer(id game.PlayerID) error {
	if len(w.players) >= w.rules.MaxPlayers() {
		return fmt.Errorf("full")
	}
	w.players = append(w.players, id)
	return nil
}
func (w *recordingWorld) RemovePlayer(id game.PlayerID) {}
func (w *recordingWorld) Step(tick uint32, inputs []game.PlayerInput) {
	w.tick = tick
	w.rules.mu.Lock()
	w.rules.steps = append(w.rules.steps, recordedStep{tick, append([]game.PlayerInput(nil), inputs...)})
	w.rules.mu.Unlock()
}
func (w *recordingWorld) AppendView(dst []game.Entity) []game.Entity {
	for _, p := range w.players {
		dst = append(dst, game.Entity{ID: uint32(p), Fields: [game.MaxFields]int32{int32(w.tick)}})
	}
	return dst
}
func (w *recordingWorld) AppendEvents(dst []game.Event) []game.Event { return dst }
func (w *recordingWorld) Outcome() game.Outcome                      { return game.Outcome{} }
func (w *recordingWorld) Hash() uint64                               { return uint64(w.tick) }

func TestMatchLoopExactTickCount(t *testing.T) {
	rules := &recordingRules{}
	m := servertest.StartMatch(t, rules, nil)
	m.Advance(120)
	if got := m.Stats().Ticks; got != 120 {
		t.Fatalf("ticks = %d, want 120", got)
	}
	steps := rules.recorded()
	for i, s := range steps {
		if s.tick != uint32(i+1) {
			t.Fatalf("step %d has tick %d, want %d", i, s.tick, i+1)
		}
	}
	// A ticker firing early (no period elapsed) runs nothing.
	m.Clock.Advance(m.Period / 2)
	time.Sleep(20 * time.Millisecond)
	if got := m.Stats().Ticks; got != 120 {
		t.Fatalf("ticks after half a period = %d, want 120", got)
	}
}

func TestMatchLoopCatchUpIsBounded(t *testing.T) {
	rules := &recordingRules{}
	m := servertest.StartMatch(t, rules, &match.Options{MaxCatchUp: 4})
	m.Advance(10)
	// A one-second stall: 60 steps are due, 4 run, 56 are dropped.
	m.Clock.Advance(time.Second)
	servertest.WaitFor(t, "catch-up", func() bool { return m.Stats().Ticks == 14 })
	time.Sleep(20 * time.Millisecond)
	st := m.Stats()
	if st.Ticks != 14 || st.Dropped != 56 {
		t.Fatalf("after stall: ticks=%d dropped=%d, want 14 and 56", st.Ticks, st.Dropped)
	}
	// Then the loop goes on at one step per period.
	m.Advance(3)
	if got := m.Stats().Ticks; got != 17 {
		t.Fatalf("ticks = %d, want 17", got)
	}
}

func TestMatchAppliesInputsAtTickBoundaries(t *testing.T) {
	rules := &recordingRules{}
	m := servertest.StartMatch(t, rules, nil)
	p, _ := m.Join("k1", "p1")
	m.Advance(2)
	before := len(rules.recorded())

	// Two inputs between steps: the step sees the newest, with the fire tap
	// of the first kept.
	p.Push(game.Input{Seq: 1, MoveX: 10, Buttons: game.ButtonFire})
	p.Push(game.Input{Seq: 2, MoveX: 20})
	m.Advance(1)
	// No new input: the held one applies again, fire released.
	m.Advance(1)

	steps := rules.recorded()[before:]
	if len(steps) != 2 {
		t.Fatalf("got %d steps, want 2", len(steps))
	}
	want := []game.Input{
		{Seq: 2, MoveX: 20, Buttons: game.ButtonFire},
		{Seq: 2, MoveX: 20},
	}
	for i, st := range steps {
		if len(st.inputs) != 1 || st.inputs[0].Player != p.ID() || st.inputs[0].Input != want[i] {
			t.Errorf("step %d inputs = %+v, want player %d with %+v", i, st.inputs, p.ID(), want[i])
		}
	}
}

func TestMatchOffersLatestViewAndSkipsStale(t *testing.T) {
	rules := &recordingRules{}
	m := servertest.StartMatch(t, rules, &match.Options{SnapshotRate: 30})
	_, peer := m.Join("k1", "p1")
	// No writer takes the mailbox: 10 ticks = 5 snapshot ticks, 4 skipped.
	m.Advance(10)
	v, _ := peer.Take()
	if v == nil {
		t.Fatal("no view offered")
	}
	defer v.Release()
	// Snapshot ticks are the even ones at 60 Hz / 30 Hz.
	if want := m.Tick() &^ 1; v.Tick != want {
		t.Errorf("mailbox view tick = %d, want the newest snapshot tick %d", v.Tick, want)
	}
	if got := peer.Skipped(); got < 4 {
		t.Errorf("skipped = %d, want at least 4", got)
	}
}
