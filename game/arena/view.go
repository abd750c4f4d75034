package arena

import "github.com/skirmishgg/skirmish/game"

// Entity kinds, indexes into Schema().Kinds.
const (
	KindPlayer uint8 = 0
	KindBullet uint8 = 1
)

// Field indexes of a player entity. Positions are in view units.
const (
	PlayerX      = iota
	PlayerY      // view units
	PlayerAim    // 1/256 of a turn, 0..255
	PlayerHP     // hit points
	PlayerScore  // kills
	PlayerDeaths // deaths
	playerFields
)

// Field indexes of a bullet entity. A bullet's fields never change after it
// is fired: its position follows from them (BulletPosition), so a flying
// bullet costs no bandwidth after its creation.
const (
	BulletX0    = iota
	BulletY0    // spawn position, view units
	BulletDir   // direction, the shooter's full uint16 aim
	BulletTick0 // tick it was fired at
	BulletOwner // shooter's player ID
	bulletFields
)

func schema() game.Schema {
	return game.Schema{Kinds: []game.KindSchema{
		KindPlayer: {Name: "player", Fields: []string{"x", "y", "aim", "hp", "score", "deaths"}},
		KindBullet: {Name: "bullet", Fields: []string{"x0", "y0", "dir", "tick0", "owner"}},
	}}
}

// BulletPosition returns where the bullet with the given entity fields is
// at tick, in view units: exactly the position the server simulates, as
// long as the bullet is still flying. Ticks before it was fired give its
// spawn point and ticks past its lifetime its last point. Fields shorter
// than a bullet's give (0, 0).
func (r *Rules) BulletPosition(fields []int32, tick uint32) (x, y int32) {
	if len(fields) < bulletFields {
		return 0, 0
	}
	vx, vy := r.bulletVelocity(uint16(fields[BulletDir]))
	age := r.bulletAge(tick, uint32(fields[BulletTick0]))
	return ToView(FromView(fields[BulletX0]) + int32(int64(vx)*age)),
		ToView(FromView(fields[BulletY0]) + int32(int64(vy)*age))
}

// AppendView implements game.World: players, then bullets, sorted by ID. It
// allocates nothing when dst has room for every entity.
func (w *World) AppendView(dst []game.Entity) []game.Entity {
	for i := range w.players {
		p := &w.players[i]
		x, y := ToView(p.x), ToView(p.y)
		dst = append(dst, game.Entity{
			ID: uint32(p.id), Kind: KindPlayer, X: x, Y: y,
			Fields: [game.MaxFields]int32{
				PlayerX: x, PlayerY: y, PlayerAim: int32(p.in.Aim >> 8),
				PlayerHP: p.hp, PlayerScore: p.score, PlayerDeaths: p.deaths,
			},
		})
	}
	// Bullet IDs increase with creation, so the list is sorted unless the ID
	// counter wrapped; then it is a rotation of a sorted list.
	bs := w.bullets
	split := len(bs)
	for i := 1; i < len(bs); i++ {
		if bs[i].id < bs[i-1].id {
			split = i
			break
		}
	}
	dst = appendBullets(dst, bs[split:])
	return appendBullets(dst, bs[:split])
}

func appendBullets(dst []game.Entity, bs []bullet) []game.Entity {
	for i := range bs {
		b := &bs[i]
		dst = append(dst, game.Entity{
			ID: b.id, Kind: KindBullet, X: ToView(b.x), Y: ToView(b.y),
			Fields: [game.MaxFields]int32{
				BulletX0: ToView(b.x0), BulletY0: ToView(b.y0), BulletDir: int32(b.dir),
				BulletTick0: int32(b.tick0), BulletOwner: int32(b.owner),
			},
		})
	}
	return dst
}
