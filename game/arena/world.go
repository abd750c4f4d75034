package arena

import (
	"cmp"
	"errors"
	"slices"

	"github.com/skirmishgg/skirmish/game"
)

// Errors of AddPlayer.
var (
	ErrFull      = errors.New("arena: world is full")
	ErrDuplicate = errors.New("arena: player already in the world")
	ErrBadID     = errors.New("arena: player ID out of range 1..65535")
)

// MaxPlayerID is the largest player ID; bullets take the IDs above it.
const MaxPlayerID = 1<<16 - 1

// Outcome reasons.
const (
	ReasonScoreLimit = "score_limit"
	ReasonTimeLimit  = "time_limit"
)

// World is one arena match. It implements game.World; like any world it is
// driven by one goroutine at a time. Positions in its view and events are
// in view units.
type World struct {
	r   *Rules
	rng splitmix

	started   bool
	firstTick uint32 // tick of the first Step, where the time limit counts from
	tick      uint32 // tick of the last Step

	players    []player // sorted by ID
	bullets    []bullet // in creation order, hence by ID but for a wrap
	nextBullet uint32

	ended  bool
	reason string
	winner game.PlayerID

	// cells index the players while bullets advance, in big worlds;
	// noCells turns them off, and bruteForce also the reach test of
	// small worlds (tests compare every way with the plain scan).
	cells      playerCells
	cellsOn    bool
	noCells    bool
	bruteForce bool

	events    []game.Event // of the last Step
	pending   []game.Event // spawns of players added since, for the next Step
	standings []game.Result
	ranked    bool // standings are current
	final     []game.Result
}

type player struct {
	id       game.PlayerID
	x, y     int32 // centre, in subunits
	hp       int32
	score    int32
	deaths   int32
	cooldown int32 // steps until the player may fire again
	in       game.Input
	trail    trail // recent positions, for lag compensation
}

var _ game.World = (*World)(nil)

func newWorld(r *Rules, seed uint64) *World {
	n := min(r.cfg.MaxPlayers, 64)
	return &World{
		r:          r,
		rng:        splitmix{seed},
		nextBullet: bulletIDBase,
		players:    make([]player, 0, n),
		bullets:    make([]bullet, 0, 8*n),
		events:     make([]game.Event, 0, 4*n),
		pending:    make([]game.Event, 0, n),
		standings:  make([]game.Result, 0, n),
	}
}

// AddPlayer implements game.World. The player spawns at once at a free spawn
// point; its EventSpawn is reported with the next Step's events.
func (w *World) AddPlayer(id game.PlayerID) error {
	if id == 0 || id > MaxPlayerID {
		return ErrBadID
	}
	i, found := w.find(id)
	if found {
		return ErrDuplicate
	}
	if len(w.players) >= w.r.cfg.MaxPlayers {
		return ErrFull
	}
	x, y := w.pickSpawn(-1)
	w.players = slices.Insert(w.players, i, player{id: id, x: x, y: y, hp: w.r.cfg.MaxHP, trail: trail{since: w.tick + 1}})
	w.ranked = false
	w.pending = append(w.pending, game.Event{Kind: game.EventSpawn, Actor: id, X: ToView(x), Y: ToView(y)})
	return nil
}

// RemovePlayer implements game.World. The player's bullets in flight go
// with it (a player who left can no longer score).
func (w *World) RemovePlayer(id game.PlayerID) {
	i, found := w.find(id)
	if !found {
		return
	}
	w.players = slices.Delete(w.players, i, i+1)
	w.ranked = false
	w.bullets = slices.DeleteFunc(w.bullets, func(b bullet) bool { return b.owner == id })
	w.pending = slices.DeleteFunc(w.pending, func(e game.Event) bool { return e.Actor == id })
}

// Step implements game.World. In one step: inputs are taken (a player absent
// from inputs stands still and holds fire), players move, bullets already in
// flight advance and hit, then players whose gun is ready fire. After the
// end of the match Step changes nothing and reports no events.
func (w *World) Step(tick uint32, inputs []game.PlayerInput) {
	w.events = w.events[:0]
	if w.ended {
		return
	}
	if !w.started {
		w.started = true
		w.firstTick = tick
	}
	w.tick = tick
	for _, e := range w.pending {
		e.Tick = tick
		w.events = append(w.events, e)
	}
	w.pending = w.pending[:0]

	w.takeInputs(inputs)
	for i := range w.players {
		p := &w.players[i]
		p.x, p.y = w.r.MovePlayer(p.x, p.y, p.in)
		p.remember(tick)
	}
	w.advanceBullets(tick)
	if w.ended {
		return
	}
	w.fire(tick)
	if tick-w.firstTick+1 >= w.r.timeLimitTicks {
		w.end(ReasonTimeLimit, 0)
	}
}

func (w *World) takeInputs(inputs []game.PlayerInput) {
	for i := range w.players {
		w.players[i].in = game.Input{}
	}
	// Inputs come in the world's order as a rule (players are given
	// rising IDs and join in that order): the next player is tried before
	// a search, which handles any other order.
	next := 0
	for _, pi := range inputs {
		i := next
		if i >= len(w.players) || w.players[i].id != pi.Player {
			var ok bool
			if i, ok = w.find(pi.Player); !ok {
				continue
			}
		}
		w.players[i].in = pi.Input
		next = i + 1
	}
}

// find returns the index of player id, or where it would be inserted.
func (w *World) find(id game.PlayerID) (int, bool) {
	return slices.BinarySearchFunc(w.players, id, func(p player, id game.PlayerID) int {
		return cmp.Compare(p.id, id)
	})
}

func (w *World) emit(e game.Event) {
	e.Tick = w.tick
	w.events = append(w.events, e)
}

// AppendEvents implements game.World.
func (w *World) AppendEvents(dst []game.Event) []game.Event {
	return append(dst, w.events...)
}

// end finishes the match; winner 0 means the best of the standings.
func (w *World) end(reason string, winner game.PlayerID) {
	w.ended = true
	w.reason = reason
	w.final = w.rank(nil)
	if winner == 0 && len(w.final) > 0 {
		winner = w.final[0].Player
	}
	w.winner = winner
}

// Outcome implements game.World. Before the end, Results holds the current
// standings in a buffer that the next call reuses; after the end, the final
// standings, which never change again.
func (w *World) Outcome() game.Outcome {
	if w.ended {
		return game.Outcome{Ended: true, Reason: w.reason, Winner: w.winner, Results: w.final}
	}
	if !w.ranked { // scores change on kills only: most steps rank nothing
		w.standings = w.rank(w.standings[:0])
		w.ranked = true
	}
	return game.Outcome{Results: w.standings}
}

// rank appends the standings to dst, best first: score descending, then
// deaths ascending, then ID ascending.
func (w *World) rank(dst []game.Result) []game.Result {
	for _, p := range w.players {
		dst = append(dst, game.Result{Player: p.id, Score: p.score, Deaths: p.deaths})
	}
	slices.SortFunc(dst, func(a, b game.Result) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Deaths, b.Deaths); c != 0 {
			return c
		}
		return cmp.Compare(a.Player, b.Player)
	})
	return dst
}
