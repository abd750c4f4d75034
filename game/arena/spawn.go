package arena

import (
	"math"

	"github.com/skirmishgg/skirmish/game"
)

// respawn puts players[i] back at a free spawn point with full health.
func (w *World) respawn(i int) {
	x, y := w.pickSpawn(i)
	p := &w.players[i]
	p.x, p.y, p.hp = x, y, w.r.cfg.MaxHP
	p.respawned(w.tick)
	if w.cellsOn {
		w.cells.move(i, x, y)
	}
	w.emit(game.Event{Kind: game.EventSpawn, Actor: p.id, X: ToView(x), Y: ToView(y)})
}

// pickSpawn chooses a spawn point for a player, ignoring players[skip]
// (the one spawning, if it is already in the world). A point is free when
// every other player is at least SpawnClearance away; the choice among free
// points is random, and when none is free the point farthest from its
// nearest player wins, so spawning never fails.
func (w *World) pickSpawn(skip int) (x, y int32) {
	spawns := w.r.spawns
	free, farthest, farDist := 0, 0, int64(-1)
	for i, s := range spawns {
		d := w.nearestSq(s, skip)
		if d >= w.r.clearanceSq {
			free++
		}
		if d > farDist {
			farthest, farDist = i, d
		}
	}
	if free == 0 {
		s := spawns[farthest]
		return s.X, s.Y
	}
	k := w.rng.intn(free)
	for _, s := range spawns {
		if w.nearestSq(s, skip) >= w.r.clearanceSq {
			if k == 0 {
				return s.X, s.Y
			}
			k--
		}
	}
	return spawns[farthest].X, spawns[farthest].Y // unreachable
}

// nearestSq is the squared distance from s to the nearest player but
// players[skip].
func (w *World) nearestSq(s Point, skip int) int64 {
	best := int64(math.MaxInt64)
	for i := range w.players {
		if i == skip {
			continue
		}
		p := &w.players[i]
		best = min(best, sq(int64(p.x-s.X))+sq(int64(p.y-s.Y)))
	}
	return best
}
