package play

import (
	"time"

	"github.com/skirmishgg/skirmish/game/arena"
	"github.com/skirmishgg/skirmish/protocol"
)

// PlayerView is one player as drawn in a frame, in world units.
type PlayerView struct {
	ID     uint32
	Name   string
	X, Y   float64
	Aim    float64 // radians, 0 along +x, clockwise on screen
	HP     int32
	Score  int32
	Deaths int32
	Me     bool
}

// BulletView is one bullet as drawn in a frame, in world units: its head
// and the end of its streak.
type BulletView struct {
	ID           uint32
	Owner        uint32
	X, Y         float64
	TailX, TailY float64
}

// Scene is what the renderer draws in one frame, filled by Session.Sample.
// Its slices are reused from one Sample to the next.
type Scene struct {
	Me      uint32 // the player's own ID (0: not joined yet)
	Match   string // match ID
	Tick    uint32 // tick of the newest snapshot
	Render  float64
	Players []PlayerView // in view, sorted by ID
	Bullets []BulletView
	// Roster is everyone in the match, ranked as the server ranks them
	// (score descending, then deaths ascending, then ID), with scores and
	// deaths but no positions: with interest management the server sends
	// only the players around this one.
	Roster []PlayerView
	// Events are the events whose tick the render moment reached since the
	// previous Sample, in order: hits, deaths, scores and spawns to turn
	// into effects.
	Events []protocol.Event
	// MeX, MeY is the player's own predicted position; HaveMe is false
	// while it is not in the world.
	MeX, MeY float64
	HaveMe   bool
	// Reconnecting: the connection dropped; the Client is taking the seat
	// back.
	Reconnecting bool
}

// Player returns the view of player id, or nil.
func (s *Scene) Player(id uint32) *PlayerView {
	for i := range s.Players {
		if s.Players[i].ID == id {
			return &s.Players[i]
		}
	}
	return nil
}

func sortStandings(ps []PlayerView) {
	// Insertion sort: at most a few dozen players, and no allocation.
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && better(ps[j], ps[j-1]); j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

func better(a, b PlayerView) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	if a.Deaths != b.Deaths {
		return a.Deaths < b.Deaths
	}
	return a.ID < b.ID
}

// Arena is the static part of the reference game the renderer needs.
type Arena struct {
	Width, Height float64
	Walls         []arena.Rect
	PlayerRadius  float64
	BulletRadius  float64
	MaxHP         int32
	ScoreLimit    int32
	TimeLimit     time.Duration
}

// ArenaOf describes rules for drawing.
func ArenaOf(r *arena.Rules) Arena {
	c := r.Config()
	w, h := r.WorldSize()
	return Arena{
		Width: float64(w), Height: float64(h),
		Walls:        r.Walls(),
		PlayerRadius: float64(c.PlayerRadius),
		BulletRadius: float64(c.BulletRadius),
		MaxHP:        c.MaxHP,
		ScoreLimit:   c.ScoreLimit,
		TimeLimit:    time.Duration(c.TimeLimit) * time.Second / time.Duration(c.TickRate),
	}
}
