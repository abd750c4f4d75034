package replay

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/skirmishgg/skirmish/game"
)

// Replayer re-simulates a recording one step at a time with the game's
// rules: the same seed, the same joins and leaves before the same steps,
// the same inputs.
type Replayer struct {
	rec     *Recording
	world   game.World
	next    int // index of the next step in rec.Steps
	current map[game.PlayerID]game.Input
	inputs  []game.PlayerInput
}

// NewReplayer starts a re-simulation of rec with rules, which must be the
// recording's game with the same fingerprint.
func NewReplayer(rec *Recording, rules game.Rules) (*Replayer, error) {
	if rules.Name() != rec.Header.Game {
		return nil, fmt.Errorf("replay: the recording is of game %q, not %q", rec.Header.Game, rules.Name())
	}
	if fp := RulesFingerprint(rules); fp != rec.Header.Rules {
		return nil, fmt.Errorf("replay: these %s rules (fingerprint %016x) are not the recording's (%016x): another mode, version or configuration", rules.Name(), fp, rec.Header.Rules)
	}
	return &Replayer{rec: rec, world: rules.NewWorld(rec.Header.Seed), current: map[game.PlayerID]game.Input{}}, nil
}

// NewReplayerAt starts a re-simulation of rec with rules at the latest
// state checkpoint at or before tick: the world restored from it, as if
// the steps up to there had run. It starts from the beginning when there
// is none before tick or the rules' worlds do not save their state. A
// state that does not restore to its recorded hash is an error.
func NewReplayerAt(rec *Recording, rules game.Rules, tick uint32) (*Replayer, error) {
	p, err := NewReplayer(rec, rules)
	if err != nil {
		return nil, err
	}
	saver, ok := p.world.(game.StateSaver)
	i, _ := slices.BinarySearchFunc(rec.States, tick+1, func(s State, t uint32) int { return cmp.Compare(s.Tick, t) })
	if !ok || i == 0 {
		return p, nil
	}
	st := &rec.States[i-1]
	if int(st.Tick) > len(rec.Steps) {
		return p, nil
	}
	if err := saver.RestoreState(st.Data); err != nil {
		return nil, fmt.Errorf("replay: the state of tick %d: %w", st.Tick, err)
	}
	if h := p.world.Hash(); h != st.Hash {
		return nil, fmt.Errorf("replay: the state of tick %d restores to hash %016x, not the recorded %016x", st.Tick, h, st.Hash)
	}
	p.next = int(st.Tick)
	for _, in := range st.Inputs {
		p.current[in.Player] = in.Input
	}
	return p, nil
}

// Tick is the tick of the world: the steps run or restored, 0 before the
// first.
func (p *Replayer) Tick() uint32 { return uint32(p.next) }

// World is the re-simulated world, after the last Next.
func (p *Replayer) World() game.World { return p.world }

// Step is the recorded step Next ran last; nil before the first.
func (p *Replayer) Step() *Step {
	if p.next == 0 {
		return nil
	}
	return &p.rec.Steps[p.next-1]
}

// Next runs the next recorded step and reports false when there is none.
// A join the world refuses is an error: the recording does not fit the
// rules.
func (p *Replayer) Next() (bool, error) {
	if p.next >= len(p.rec.Steps) {
		return false, nil
	}
	s := &p.rec.Steps[p.next]
	p.next++
	for _, c := range s.Changes {
		delete(p.current, c.Player)
		if !c.Join {
			p.world.RemovePlayer(c.Player)
			continue
		}
		if err := p.world.AddPlayer(c.Player); err != nil {
			return false, fmt.Errorf("replay: tick %d: the world refused player %d: %w", s.Tick, c.Player, err)
		}
	}
	for _, id := range s.Absent {
		delete(p.current, id)
	}
	for _, in := range s.Inputs {
		p.current[in.Player] = in.Input
	}
	// Sorted by player, for a deterministic order (the contract lets a
	// game take inputs in any order).
	p.inputs = p.inputs[:0]
	for id, in := range p.current {
		p.inputs = append(p.inputs, game.PlayerInput{Player: id, Input: in})
	}
	slices.SortFunc(p.inputs, func(a, b game.PlayerInput) int { return int(a.Player) - int(b.Player) })
	p.world.Step(s.Tick, p.inputs)
	return true, nil
}

// Input is the input a player steps with now, and whether it has one.
func (p *Replayer) Input(id game.PlayerID) (game.Input, bool) {
	in, ok := p.current[id]
	return in, ok
}
