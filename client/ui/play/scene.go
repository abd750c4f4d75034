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
	// Spectating: the session watches the match (Me is 0). Following is
	// the player the camera follows (0: none, the whole arena), at
	// FollowX, FollowY when in view.
	Spectating       bool
	Following        uint32
	FollowX, FollowY float64
	HaveFollow       bool
	// Reconnecting: the connection dropped; the Client is taking the seat
	// back.
	Reconnecting bool
	// Stalled: connected, but no snapshot for a while: the world shown
	// is frozen at the last one.
	Stalled bool
	// Arena is the map and sizes from the server's Welcome (zero before
	// it). Its Walls are shared: do not modify them.
	Arena Arena
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

// Arena is the static part of the game the renderer needs, in world units,
// as the server described it in its Welcome (see ArenaFrom): the client
// draws the map the server plays, not one of its own.
type Arena struct {
	Width, Height float64 // the playable area, from (0, 0)
	Walls         []Wall
	PlayerRadius  float64
	BulletRadius  float64
	MaxHP         int32
	ScoreLimit    int32
	TimeLimit     time.Duration
}

// Wall is a solid rectangle, in world units.
type Wall struct {
	MinX, MinY, MaxX, MaxY float64
}

// ArenaFrom reads the game's static description out of a Welcome. Its
// lengths are in view units (entity field units), which the arena's
// ViewUnitsPerUnit turns into the world units the screens draw in; a
// parameter the server did not send is zero.
func ArenaFrom(w protocol.Welcome) Arena {
	st := &w.Static
	world := func(v int32) float64 { return float64(v) / arena.ViewUnitsPerUnit }
	param := func(name string) int32 { v, _ := st.Param(name); return v }
	a := Arena{
		Width:        world(st.Bounds.MaxX),
		Height:       world(st.Bounds.MaxY),
		Walls:        make([]Wall, len(st.Walls)),
		PlayerRadius: world(param(arena.ParamPlayerRadius)),
		BulletRadius: world(param(arena.ParamBulletRadius)),
		MaxHP:        param(arena.ParamMaxHP),
		ScoreLimit:   param(arena.ParamScoreLimit),
	}
	for i, r := range st.Walls {
		a.Walls[i] = Wall{world(r.MinX), world(r.MinY), world(r.MaxX), world(r.MaxY)}
	}
	if w.TickRate > 0 {
		a.TimeLimit = time.Duration(param(arena.ParamTimeLimit)) * time.Second / time.Duration(w.TickRate)
	}
	return a
}
