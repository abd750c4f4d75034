package server_test

import (
	"cmp"
	"errors"
	"slices"

	"github.com/skirmishgg/skirmish/game"
)

// tagRules is a second, minimal game, kept in a test to prove that the game
// contract is the seam between a game and the runtime: nothing in it comes
// from the arena. Runners move on a small rectangular field; the runner who
// is "it" passes the tag by touching another one, after which nobody can tag
// for Cooldown steps (no instant tag-backs). After Ticks steps the match
// ends and the runner who was it for the fewest steps wins.
//
// Input: MoveX and MoveY steer (a full axis is Speed units per step); Aim
// and Buttons mean nothing here. Positions are integer units, the same in
// the simulation and the view, so nothing is quantized.
type tagRules struct {
	W, H, Radius, Speed int32  // field size, runner radius, full-axis speed
	Cooldown, Ticks     uint32 // steps without tagging after a pass; match length
	Rate, Players       int
}

// Entity kinds, their fields and the tag's event.
const (
	tagRunner, tagField        uint8 = 0, 1
	runnerX, runnerY, runnerIt       = 0, 1, 2          // it: 1 for the runner who is it
	fieldW, fieldH, fieldEnd         = 0, 1, 2          // end: the match's last tick
	tagFieldID                       = 1 << 16          // above every player ID
	tagPassed                        = game.EventCustom // Actor tagged Target at X, Y
)

func (r *tagRules) Name() string                    { return "tag" }
func (r *tagRules) TickRate() int                   { return r.Rate }
func (r *tagRules) MaxPlayers() int                 { return r.Players }
func (r *tagRules) NewWorld(seed uint64) game.World { return &tagWorld{r: r, rng: seed} }

// Static tells clients the field and the runners' size and speed, so a
// client draws and predicts the game from the Welcome alone.
func (r *tagRules) Static() game.Static {
	return game.Static{
		Bounds: game.Rect{MaxX: r.W, MaxY: r.H},
		Params: []game.Param{{Name: "runner_radius", Value: r.Radius}, {Name: "runner_speed", Value: r.Speed}, {Name: "cooldown", Value: int32(r.Cooldown)}},
	}
}

func (r *tagRules) Schema() game.Schema {
	return game.Schema{Kinds: []game.KindSchema{
		tagRunner: {Name: "runner", Fields: []string{"x", "y", "it"}},
		tagField:  {Name: "field", Fields: []string{"w", "h", "end"}},
	}}
}

type runner struct {
	id              game.PlayerID
	x, y            int32
	itTicks, tagged int32 // steps spent it, times tagged
	in              game.Input
}

type tagWorld struct {
	r              *tagRules
	rng            uint64   // splitmix64 state
	runners        []runner // sorted by ID
	it             game.PlayerID
	cool           uint32 // steps left before anyone may tag
	first, tick    uint32
	started, ended bool
	events         []game.Event
}

func (w *tagWorld) rand(n int32) int32 {
	w.rng += 0x9e3779b97f4a7c15
	z := w.rng
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return int32((z ^ z>>31) % uint64(n))
}

func (w *tagWorld) find(id game.PlayerID) (int, bool) {
	return slices.BinarySearchFunc(w.runners, id, func(r runner, id game.PlayerID) int { return cmp.Compare(r.id, id) })
}

// AddPlayer places the runner on the farthest of four random spots from the
// others; the first runner in is it.
func (w *tagWorld) AddPlayer(id game.PlayerID) error {
	i, found := w.find(id)
	if id == 0 || id >= tagFieldID || found || len(w.runners) >= w.r.Players {
		return errors.New("tag: cannot add this player")
	}
	var best runner
	bestD := int64(-1)
	for range 4 {
		c := runner{id: id, x: w.r.Radius + w.rand(w.r.W-2*w.r.Radius+1), y: w.r.Radius + w.rand(w.r.H-2*w.r.Radius+1)}
		d := int64(1 << 62)
		for _, o := range w.runners {
			d = min(d, dist2(&c, &o))
		}
		if d > bestD {
			best, bestD = c, d
		}
	}
	w.runners = slices.Insert(w.runners, i, best)
	if w.it == 0 {
		w.it = id
	}
	return nil
}

// RemovePlayer hands the tag to a random runner when it leaves.
func (w *tagWorld) RemovePlayer(id game.PlayerID) {
	if i, found := w.find(id); found {
		w.runners = slices.Delete(w.runners, i, i+1)
		if w.it == id {
			w.it = 0
			if len(w.runners) > 0 {
				w.it = w.runners[w.rand(int32(len(w.runners)))].id
			}
		}
	}
}

// Step moves every runner, then, unless cooling down, passes the tag to the
// nearest runner touching it (the lowest ID on a tie).
func (w *tagWorld) Step(tick uint32, inputs []game.PlayerInput) {
	w.events = w.events[:0]
	if w.ended {
		return
	}
	if !w.started {
		w.started, w.first = true, tick
	}
	w.tick = tick
	for i := range w.runners {
		w.runners[i].in = game.Input{}
	}
	for _, in := range inputs {
		if i, ok := w.find(in.Player); ok {
			w.runners[i].in = in.Input
		}
	}
	for i := range w.runners {
		p := &w.runners[i]
		p.x = min(max(p.x+int32(p.in.MoveX)*w.r.Speed/game.AxisMax, w.r.Radius), w.r.W-w.r.Radius)
		p.y = min(max(p.y+int32(p.in.MoveY)*w.r.Speed/game.AxisMax, w.r.Radius), w.r.H-w.r.Radius)
	}
	i, ok := w.find(w.it)
	if w.cool > 0 {
		w.cool--
	} else if ok {
		var to *runner
		bestD := sq(2*w.r.Radius) + 1
		for j := range w.runners {
			if d := dist2(&w.runners[i], &w.runners[j]); j != i && d < bestD {
				to, bestD = &w.runners[j], d
			}
		}
		if to != nil {
			w.events = append(w.events, game.Event{Kind: tagPassed, Tick: tick, Actor: w.it, Target: to.id, X: to.x, Y: to.y})
			w.it, w.cool = to.id, w.r.Cooldown
			to.tagged++
			i, ok = w.find(w.it)
		}
	}
	if ok {
		w.runners[i].itTicks++
	}
	w.ended = tick-w.first+1 >= w.r.Ticks
}

// AppendView appends the runners, then the field (its static description).
func (w *tagWorld) AppendView(dst []game.Entity) []game.Entity {
	for _, p := range w.runners {
		it := int32(0)
		if p.id == w.it {
			it = 1
		}
		dst = append(dst, game.Entity{ID: uint32(p.id), Kind: tagRunner, X: p.x, Y: p.y, Fields: [game.MaxFields]int32{runnerX: p.x, runnerY: p.y, runnerIt: it}})
	}
	return append(dst, game.Entity{ID: tagFieldID, Kind: tagField, X: w.r.W / 2, Y: w.r.H / 2,
		Fields: [game.MaxFields]int32{fieldW: w.r.W, fieldH: w.r.H, fieldEnd: int32(w.first + w.r.Ticks - 1)}})
}

func (w *tagWorld) AppendEvents(dst []game.Event) []game.Event { return append(dst, w.events...) }

// Outcome ranks by steps spent it, fewest first: Score is minus those steps
// (the contract's Result has only Score and Deaths) and Deaths the times
// tagged.
func (w *tagWorld) Outcome() game.Outcome {
	out := game.Outcome{Ended: w.ended}
	for _, p := range w.runners {
		out.Results = append(out.Results, game.Result{Player: p.id, Score: -p.itTicks, Deaths: p.tagged})
	}
	slices.SortFunc(out.Results, func(a, b game.Result) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(a.Player, b.Player))
	})
	if w.ended && len(out.Results) > 0 {
		out.Reason, out.Winner = "time_limit", out.Results[0].Player
	}
	return out
}

// Hash is FNV-1a over every piece of state that outlives a step.
func (w *tagWorld) Hash() uint64 {
	h := uint64(14695981039346656037)
	add := func(vs ...int64) {
		for _, v := range vs {
			for b := range 8 {
				h = (h ^ uint64(v)>>(8*b)&0xff) * 1099511628211
			}
		}
	}
	add(int64(w.rng), int64(w.it), int64(w.cool), int64(w.first), int64(w.tick), b2i(w.started), b2i(w.ended), int64(len(w.runners)))
	for _, p := range w.runners {
		add(int64(p.id), int64(p.x), int64(p.y), int64(p.itTicks), int64(p.tagged))
	}
	return h
}

func dist2(a, b *runner) int64 { return sq(a.x-b.x) + sq(a.y-b.y) }
func sq(v int32) int64         { return int64(v) * int64(v) }
func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
