package replay

import (
	"fmt"
	"slices"
	"strings"

	"github.com/skirmishgg/skirmish/game"
)

// Report is what Verify found.
type Report struct {
	Ticks       int // steps re-simulated and checked
	Checkpoints int // checkpoints whose views were compared
	States      int // state checkpoints restored and checked
	// Divergence is nil when every hash matched.
	Divergence *Divergence
	// Outcome, when not empty, says how the re-simulated outcome differs
	// from the recorded one.
	Outcome string
	// State, when not empty, names a state checkpoint that does not
	// restore to the re-simulated world.
	State string
}

// OK reports whether the re-simulation matched the recording throughout.
func (r *Report) OK() bool { return r.Divergence == nil && r.Outcome == "" && r.State == "" }

// Divergence names where a re-simulation first left the recording.
type Divergence struct {
	// Tick is the first tick whose world hash differs: the step before it
	// matched, so what differs was caused at this step.
	Tick          uint32
	Recorded, Got uint32 // the folded hashes
	// Applied lists what the recording applied at Tick (joins, leaves,
	// changed inputs): in a deterministic game, the cause is among them
	// or in the rules.
	Applied []string
	// At is the tick of the checkpoint the views were compared at: the
	// first at or after Tick (0: none was recorded after it).
	At uint32
	// Fields are the entity fields that differ at At, the entities of
	// players whose input changed at Tick first.
	Fields []FieldDiff
}

// FieldDiff is one entity field whose recorded and re-simulated values
// differ; Field is "" when the entity exists on one side only.
type FieldDiff struct {
	Entity        uint32
	Kind          string
	Field         string
	Recorded, Got int32
	Missing       string // "replay" or "recording": the side without the entity
}

func (f FieldDiff) String() string {
	if f.Missing != "" {
		return fmt.Sprintf("%s %d: missing in the %s", f.Kind, f.Entity, f.Missing)
	}
	return fmt.Sprintf("%s %d field %s: recorded %d, re-simulated %d", f.Kind, f.Entity, f.Field, f.Recorded, f.Got)
}

func (d *Divergence) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "first divergent tick %d (recorded hash %08x, re-simulated %08x)", d.Tick, d.Recorded, d.Got)
	if len(d.Applied) > 0 {
		fmt.Fprintf(&b, "\n  applied at tick %d: %s", d.Tick, strings.Join(d.Applied, "; "))
	}
	switch {
	case d.At == 0:
		b.WriteString("\n  no checkpoint after it to compare entities with")
	case len(d.Fields) == 0:
		fmt.Fprintf(&b, "\n  at checkpoint tick %d every entity field matches: the state that differs is outside the view", d.At)
	default:
		fmt.Fprintf(&b, "\n  at checkpoint tick %d:", d.At)
		for _, f := range d.Fields {
			b.WriteString("\n    " + f.String())
		}
	}
	return b.String()
}

// Verify re-simulates rec with rules and checks every stored hash, and
// that each state checkpoint restores to a world with the re-simulated
// world's hash. At the first mismatch it stops checking hashes, runs on to
// the next checkpoint and compares the views there field by field (a
// state checkpoint's view is its restored world's; see the package doc).
func Verify(rec *Recording, rules game.Rules) (*Report, error) {
	p, err := NewReplayer(rec, rules)
	if err != nil {
		return nil, err
	}
	rep := &Report{}
	cps, states := rec.Checkpoints, rec.States
	var view, stateView []game.Entity
	for {
		ok, err := p.Next()
		if err != nil {
			return nil, err
		}
		if !ok {
			break
		}
		s := p.Step()
		w := p.World()
		for len(cps) > 0 && cps[0].Tick < s.Tick {
			cps = cps[1:]
		}
		for len(states) > 0 && states[0].Tick < s.Tick {
			states = states[1:]
		}
		d := rep.Divergence
		if d == nil {
			rep.Ticks++
			if got := FoldHash(w.Hash()); got != s.Hash {
				d = &Divergence{Tick: s.Tick, Recorded: s.Hash, Got: got, Applied: applied(s)}
				rep.Divergence = d
			}
		}
		var ref []game.Entity // the recorded view at this tick
		switch {
		case len(cps) > 0 && cps[0].Tick == s.Tick:
			ref = cps[0].Entities
		case len(states) > 0 && states[0].Tick == s.Tick:
			rw, err := restore(rules, rec.Header.Seed, &states[0])
			if err != nil {
				rep.State = err.Error()
				return rep, nil
			}
			if d == nil {
				rep.States++
				if got := rw.Hash(); got != w.Hash() || got != states[0].Hash {
					rep.State = fmt.Sprintf("the state of tick %d restores to hash %016x; recorded %016x, re-simulated %016x", s.Tick, got, states[0].Hash, w.Hash())
					return rep, nil
				}
			}
			stateView = rw.AppendView(stateView[:0])
			ref = stateView
		default:
			continue
		}
		view = w.AppendView(view[:0])
		if d == nil {
			rep.Checkpoints++
			if diffs := diffViews(&rec.Header, ref, view); len(diffs) > 0 {
				// The hash matched but the view did not: the game's view
				// is not a function of its hashed state.
				rep.Divergence = &Divergence{Tick: s.Tick, Recorded: s.Hash, Got: s.Hash, At: s.Tick, Fields: diffs}
				return rep, nil
			}
			continue
		}
		d.At = s.Tick
		d.Fields = diffViews(&rec.Header, ref, view)
		suspects := map[uint32]bool{}
		for _, in := range rec.Steps[d.Tick-1].Inputs {
			suspects[uint32(in.Player)] = true
		}
		for _, c := range rec.Steps[d.Tick-1].Changes {
			suspects[uint32(c.Player)] = true
		}
		slices.SortStableFunc(d.Fields, func(a, b FieldDiff) int {
			switch {
			case suspects[a.Entity] == suspects[b.Entity]:
				return 0
			case suspects[a.Entity]:
				return -1
			}
			return 1
		})
		return rep, nil
	}
	if rep.Divergence == nil && rec.End != nil && rec.End.Outcome.Ended && len(rec.Steps) > 0 && rec.End.Tick == uint32(len(rec.Steps)) {
		got := p.World().Outcome()
		if !slices.Equal(got.Results, rec.End.Outcome.Results) {
			rep.Outcome = fmt.Sprintf("the re-simulated standings %v are not the recorded %v", got.Results, rec.End.Outcome.Results)
		}
	}
	return rep, nil
}

// restore makes a world of rules restored from a state checkpoint.
func restore(rules game.Rules, seed uint64, st *State) (game.World, error) {
	w := rules.NewWorld(seed)
	s, ok := w.(game.StateSaver)
	if !ok {
		return nil, fmt.Errorf("the recording holds states, but %s worlds cannot restore them", rules.Name())
	}
	if err := s.RestoreState(st.Data); err != nil {
		return nil, fmt.Errorf("the state of tick %d does not restore: %w", st.Tick, err)
	}
	return w, nil
}

// applied describes what a step applied.
func applied(s *Step) []string {
	var out []string
	for _, c := range s.Changes {
		if c.Join {
			out = append(out, fmt.Sprintf("player %d joined", c.Player))
		} else {
			out = append(out, fmt.Sprintf("player %d left", c.Player))
		}
	}
	for _, id := range s.Absent {
		out = append(out, fmt.Sprintf("player %d stopped sending input", id))
	}
	for _, in := range s.Inputs {
		i := in.Input
		out = append(out, fmt.Sprintf("player %d input seq %d move (%d,%d) aim %d buttons %d", in.Player, i.Seq, i.MoveX, i.MoveY, i.Aim, i.Buttons))
	}
	return out
}

// diffViews compares a recorded view with a re-simulated one, both sorted
// by ID, naming each differing field by the schema.
func diffViews(h *Header, want, got []game.Entity) []FieldDiff {
	kinds := h.Kinds()
	kindName := func(k uint8) string {
		if int(k) < len(kinds) {
			return kinds[k].Name
		}
		return fmt.Sprintf("kind-%d", k)
	}
	var out []FieldDiff
	i, j := 0, 0
	for i < len(want) || j < len(got) {
		switch {
		case j >= len(got) || i < len(want) && want[i].ID < got[j].ID:
			out = append(out, FieldDiff{Entity: want[i].ID, Kind: kindName(want[i].Kind), Missing: "replay"})
			i++
		case i >= len(want) || got[j].ID < want[i].ID:
			out = append(out, FieldDiff{Entity: got[j].ID, Kind: kindName(got[j].Kind), Missing: "recording"})
			j++
		default:
			w, g := &want[i], &got[j]
			if w.Kind != g.Kind {
				out = append(out, FieldDiff{Entity: w.ID, Kind: kindName(w.Kind), Field: "kind", Recorded: int32(w.Kind), Got: int32(g.Kind)})
			} else if int(w.Kind) < len(kinds) {
				for f, name := range kinds[w.Kind].Fields {
					if f < game.MaxFields && w.Fields[f] != g.Fields[f] {
						out = append(out, FieldDiff{Entity: w.ID, Kind: kindName(w.Kind), Field: name, Recorded: w.Fields[f], Got: g.Fields[f]})
					}
				}
			}
			i++
			j++
		}
	}
	return out
}
