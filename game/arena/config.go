package arena

import "slices"

// Config tunes the arena. A zero or negative field takes the default given
// in its comment; a field beyond its documented maximum is clamped to it, so
// any Config yields a playable world whose integer arithmetic cannot
// overflow. Distances are in world units and speeds in world units per
// second.
type Config struct {
	// WorldWidth and WorldHeight are the arena's size (default 2000 each,
	// at most 100000, at least one player diameter).
	WorldWidth, WorldHeight int32
	// Walls are solid rectangles, clipped to the world. nil means the
	// default layout (eight walls, symmetric under quarter turns); an empty
	// non-nil slice means an open arena.
	Walls []Rect
	// Spawns are the spawn points, clamped into the world. nil or empty
	// means the default sixteen, which are clear of the default walls.
	Spawns []Point

	MaxPlayers int // players per world (default 16, at most 1024)
	TickRate   int // steps per second (default 60, at most 1000)

	PlayerRadius int32 // default 20, at most 500
	PlayerSpeed  int32 // default 200, at most 100 units per step
	MaxHP        int32 // default 100
	// FireCooldown is the number of steps between two shots of one player
	// (default TickRate/4: four shots a second).
	FireCooldown int32

	BulletSpeed  int32 // default 600, at most 100 units per step
	BulletRadius int32 // default 4, at most 500
	// BulletLifetime is the number of steps a bullet flies (default
	// TickRate: one second; at most 1000000).
	BulletLifetime int32
	Damage         int32 // hit points a bullet takes (default 10)

	// ScoreLimit ends the match when a player reaches it (default 20).
	ScoreLimit int32
	// TimeLimit ends the match after this many steps, counted from the
	// world's first Step (default 300·TickRate: five minutes).
	TimeLimit int32
	// SpawnClearance is how far every other player must be from a spawn
	// point for it to count as free (default 250, at most 100000).
	SpawnClearance int32
}

// Rect is an axis-aligned rectangle from (MinX, MinY) to (MaxX, MaxY).
type Rect struct {
	MinX, MinY, MaxX, MaxY int32
}

// Point is a position.
type Point struct {
	X, Y int32
}

// Limits of Config, chosen so that the products the simulation forms stay
// well inside int64 (see the segment tests in bullets.go).
const (
	maxWorldSize   = 100000
	maxPlayers     = 1024
	maxTickRate    = 1000
	maxRadius      = 500
	maxStepLength  = 100 // world units per step, for players and bullets
	maxLifetime    = 1000000
	maxClearance   = 100000
	defaultWorld   = 2000
	defaultPlayers = 16
	defaultRate    = 60
)

// orDefault returns v, or def when v is not positive, clamped to hi.
func orDefault[T int | int32](v, def, hi T) T {
	if v <= 0 {
		v = def
	}
	return min(v, hi)
}

// resolve returns c with every default filled in and every limit applied.
func (c *Config) resolve() Config {
	var r Config
	if c != nil {
		r = *c
	}
	r.TickRate = orDefault(r.TickRate, defaultRate, maxTickRate)
	rate := int32(r.TickRate)
	r.MaxPlayers = orDefault(r.MaxPlayers, defaultPlayers, maxPlayers)
	r.PlayerRadius = orDefault(r.PlayerRadius, 20, maxRadius)
	r.BulletRadius = orDefault(r.BulletRadius, 4, maxRadius)
	r.WorldWidth = max(orDefault(r.WorldWidth, defaultWorld, maxWorldSize), 2*r.PlayerRadius+1)
	r.WorldHeight = max(orDefault(r.WorldHeight, defaultWorld, maxWorldSize), 2*r.PlayerRadius+1)
	r.PlayerSpeed = orDefault(r.PlayerSpeed, 200, maxStepLength*rate)
	r.BulletSpeed = orDefault(r.BulletSpeed, 600, maxStepLength*rate)
	r.MaxHP = orDefault(r.MaxHP, 100, 1<<30)
	r.Damage = orDefault(r.Damage, 10, 1<<30)
	r.FireCooldown = orDefault(r.FireCooldown, max(rate/4, 1), 1<<30)
	r.BulletLifetime = orDefault(r.BulletLifetime, rate, maxLifetime)
	r.ScoreLimit = orDefault(r.ScoreLimit, 20, 1<<30)
	r.TimeLimit = orDefault(r.TimeLimit, 300*rate, 1<<30)
	r.SpawnClearance = orDefault(r.SpawnClearance, 250, maxClearance)

	if r.Walls == nil {
		r.Walls = defaultWalls()
	} else {
		r.Walls = slices.Clone(r.Walls)
	}
	for i, w := range r.Walls {
		r.Walls[i] = Rect{
			MinX: clamp(min(w.MinX, w.MaxX), 0, r.WorldWidth),
			MinY: clamp(min(w.MinY, w.MaxY), 0, r.WorldHeight),
			MaxX: clamp(max(w.MinX, w.MaxX), 0, r.WorldWidth),
			MaxY: clamp(max(w.MinY, w.MaxY), 0, r.WorldHeight),
		}
	}
	if len(r.Spawns) == 0 {
		r.Spawns = defaultSpawns()
	} else {
		r.Spawns = slices.Clone(r.Spawns)
	}
	for i, s := range r.Spawns {
		r.Spawns[i] = Point{
			X: clamp(s.X, r.PlayerRadius, r.WorldWidth-r.PlayerRadius),
			Y: clamp(s.Y, r.PlayerRadius, r.WorldHeight-r.PlayerRadius),
		}
	}
	return r
}

func clamp[T int32 | int64](v, lo, hi T) T {
	return max(lo, min(v, hi))
}
