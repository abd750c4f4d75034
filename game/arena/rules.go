// Package arena is Skirmish's reference game: a top-down arena shooter for
// up to 16 players who run around walls and shoot each other, first to 20
// points or best score after five minutes.
//
// It implements the game contract (game.Rules and game.World) and is fully
// deterministic: the whole simulation uses integer fixed-point arithmetic
// (positions in subunits, an integer sine table, integer square roots) and
// a seeded local random generator, so the same seed and inputs give a
// bit-identical world natively and compiled to WebAssembly. The pure
// helpers it exports (MovePlayer, BulletPosition, the unit conversions,
// Walls) let clients predict their own movement and draw bullets with the
// server's own code.
//
// Three units are in use:
//   - world units: the game designer's, used by Config, Walls and WorldSize;
//   - subunits (SubunitsPerUnit per world unit): the simulation's, fine
//     enough that the default speeds move a whole number of subunits per
//     step at 60 Hz; MovePlayer works in them;
//   - view units (ViewUnitsPerUnit per world unit): positions as quantized
//     for the wire, in entity fields and events.
package arena

import (
	"slices"

	"github.com/skirmishgg/skirmish/game"
)

// Units of length.
const (
	SubunitsPerUnit     = 120
	ViewUnitsPerUnit    = 4
	SubunitsPerViewUnit = SubunitsPerUnit / ViewUnitsPerUnit
)

// Rules is the arena game. It is immutable after New, so one Rules can serve
// any number of worlds on any number of goroutines.
type Rules struct {
	cfg Config // resolved

	// Derived, in subunits.
	width, height  int32
	playerR        int32
	hitR           int64 // player radius + bullet radius
	muzzle         int32 // distance from a player's centre to a new bullet
	moveStep       int32 // player speed per step
	bulletStep     int32 // bullet speed per step
	clearanceSq    int64
	walls          []box // players collide with these
	bulletWalls    []box // walls grown by the bullet radius
	spawns         []Point
	schema         game.Schema
	static         game.Static
	timeLimitTicks uint32
}

// box is a rectangle in subunits.
type box struct {
	x0, y0, x1, y1 int32
}

// New returns the arena rules for cfg; nil means all defaults.
func New(cfg *Config) *Rules {
	c := cfg.resolve()
	rate := int32(c.TickRate)
	r := &Rules{
		cfg:            c,
		width:          c.WorldWidth * SubunitsPerUnit,
		height:         c.WorldHeight * SubunitsPerUnit,
		playerR:        c.PlayerRadius * SubunitsPerUnit,
		hitR:           int64(c.PlayerRadius+c.BulletRadius) * SubunitsPerUnit,
		muzzle:         (c.PlayerRadius + c.BulletRadius) * SubunitsPerUnit,
		moveStep:       c.PlayerSpeed * SubunitsPerUnit / rate,
		bulletStep:     max(c.BulletSpeed*SubunitsPerUnit/rate, 1),
		clearanceSq:    sq(int64(c.SpawnClearance) * SubunitsPerUnit),
		schema:         schema(),
		timeLimitTicks: uint32(c.TimeLimit),
	}
	br := c.BulletRadius * SubunitsPerUnit
	for _, w := range c.Walls {
		b := box{w.MinX * SubunitsPerUnit, w.MinY * SubunitsPerUnit, w.MaxX * SubunitsPerUnit, w.MaxY * SubunitsPerUnit}
		r.walls = append(r.walls, b)
		r.bulletWalls = append(r.bulletWalls, box{b.x0 - br, b.y0 - br, b.x1 + br, b.y1 + br})
	}
	for _, s := range c.Spawns {
		r.spawns = append(r.spawns, Point{s.X * SubunitsPerUnit, s.Y * SubunitsPerUnit})
	}
	r.static = r.describe()
	return r
}

// Names of the arena's static parameters (see Static), in the order
// Static lists them.
const (
	ParamPlayerRadius   = "player_radius"   // view units
	ParamBulletRadius   = "bullet_radius"   // view units
	ParamMuzzleOffset   = "muzzle_offset"   // view units from a player's centre to a new bullet
	ParamPlayerSpeed    = "player_speed"    // view units per second
	ParamBulletSpeed    = "bullet_speed"    // view units per second
	ParamBulletLifetime = "bullet_lifetime" // ticks
	ParamFireCooldown   = "fire_cooldown"   // ticks between two shots of a player
	ParamMaxHP          = "max_hp"          // hit points at spawn
	ParamDamage         = "damage"          // hit points a bullet takes
	ParamScoreLimit     = "score_limit"     // a player's score that ends the match
	ParamTimeLimit      = "time_limit"      // ticks from the first step to the end of the match
)

// describe derives the static description from the resolved rules: every
// length is converted from the simulation's own values, never restated.
func (r *Rules) describe() game.Static {
	view := func(r Rect) game.Rect {
		return game.Rect{
			MinX: r.MinX * ViewUnitsPerUnit, MinY: r.MinY * ViewUnitsPerUnit,
			MaxX: r.MaxX * ViewUnitsPerUnit, MaxY: r.MaxY * ViewUnitsPerUnit,
		}
	}
	c := &r.cfg
	st := game.Static{
		Bounds: view(Rect{0, 0, c.WorldWidth, c.WorldHeight}),
		Walls:  make([]game.Rect, len(c.Walls)),
	}
	for i, w := range c.Walls {
		st.Walls[i] = view(w)
	}
	rate := int32(c.TickRate)
	st.Params = []game.Param{
		{Name: ParamPlayerRadius, Value: ToView(r.playerR)},
		{Name: ParamBulletRadius, Value: ToView(c.BulletRadius * SubunitsPerUnit)},
		{Name: ParamMuzzleOffset, Value: ToView(r.muzzle)},
		{Name: ParamPlayerSpeed, Value: ToView(r.moveStep * rate)},
		{Name: ParamBulletSpeed, Value: ToView(r.bulletStep * rate)},
		{Name: ParamBulletLifetime, Value: c.BulletLifetime},
		{Name: ParamFireCooldown, Value: c.FireCooldown},
		{Name: ParamMaxHP, Value: c.MaxHP},
		{Name: ParamDamage, Value: c.Damage},
		{Name: ParamScoreLimit, Value: c.ScoreLimit},
		{Name: ParamTimeLimit, Value: c.TimeLimit},
	}
	return st
}

// Name implements game.Rules.
func (r *Rules) Name() string { return "arena" }

// TickRate implements game.Rules.
func (r *Rules) TickRate() int { return r.cfg.TickRate }

// MaxPlayers implements game.Rules.
func (r *Rules) MaxPlayers() int { return r.cfg.MaxPlayers }

// Schema implements game.Rules. The caller must not modify it.
func (r *Rules) Schema() game.Schema { return r.schema }

// Static implements game.Rules: the arena's bounds, walls and sizes in view
// units (see the Param* names). The caller must not modify it.
func (r *Rules) Static() game.Static { return r.static }

// NewWorld implements game.Rules; the world's dynamic type is *World.
func (r *Rules) NewWorld(seed uint64) game.World { return newWorld(r, seed) }

// Config returns the configuration in effect, defaults filled in.
func (r *Rules) Config() Config {
	c := r.cfg
	c.Walls = slices.Clone(c.Walls)
	c.Spawns = slices.Clone(c.Spawns)
	return c
}

// Walls returns the walls in world units, for drawing the arena.
func (r *Rules) Walls() []Rect { return slices.Clone(r.cfg.Walls) }

// WorldSize returns the arena's width and height in world units.
func (r *Rules) WorldSize() (w, h int32) { return r.cfg.WorldWidth, r.cfg.WorldHeight }

// ToView converts subunits to view units, rounding to the nearest.
func ToView(sub int32) int32 {
	return int32(floorDiv(int64(sub)+SubunitsPerViewUnit/2, SubunitsPerViewUnit))
}

// FromView converts view units to subunits.
func FromView(v int32) int32 { return v * SubunitsPerViewUnit }

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func sq(v int64) int64 { return v * v }
