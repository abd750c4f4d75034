package arena

import (
	"math/bits"

	"github.com/skirmishgg/skirmish/game"
)

// MovePlayer returns where a player whose centre is at (x, y), in subunits,
// stands after one step of input in. It is the exact code the server runs,
// so a client can predict its own player with it. Movement is blocked by
// walls one axis at a time, x first, so a player pushing diagonally into a
// wall slides along it; then the centre is clamped to the world.
func (r *Rules) MovePlayer(x, y int32, in game.Input) (int32, int32) {
	vx, vy := r.velocity(in.MoveX, in.MoveY)
	if vx != 0 {
		x = r.blockX(x, y, vx)
	}
	if vy != 0 {
		y = r.blockY(x, y, vy)
	}
	return clamp(x, r.playerR, r.width-r.playerR), clamp(y, r.playerR, r.height-r.playerR)
}

// velocity is a player's displacement per step, in subunits. An axis vector
// longer than AxisMax (a diagonal) is scaled down to AxisMax, so no direction
// is faster than a straight one.
func (r *Rules) velocity(mx8, my8 int8) (vx, vy int32) {
	mx := int64(max(mx8, -game.AxisMax)) // -128 would be faster than 127
	my := int64(max(my8, -game.AxisMax))
	s := int64(r.moveStep)
	lenSq := mx*mx + my*my
	if lenSq <= game.AxisMax*game.AxisMax {
		return int32(mx * s / game.AxisMax), int32(my * s / game.AxisMax)
	}
	// The length, ×256 for precision and rounded up so that the scaled
	// vector is never longer than the speed.
	l := ceilSqrt(lenSq << 16)
	return int32(mx * s * 256 / l), int32(my * s * 256 / l)
}

// blockX moves a player at (x, y) by vx along x, stopping where its circle
// would first touch a wall. A wall the circle already overlaps is ignored so
// that a player placed inside one can walk out rather than stick.
func (r *Rules) blockX(x, y, vx int32) int32 {
	nx := x + vx
	for _, w := range r.walls {
		nx = limit(nx, x, y, vx > 0, r.playerR, w.x0, w.x1, w.y0, w.y1)
	}
	return nx
}

// blockY is blockX along y.
func (r *Rules) blockY(x, y, vy int32) int32 {
	ny := y + vy
	for _, w := range r.walls {
		ny = limit(ny, y, x, vy > 0, r.playerR, w.y0, w.y1, w.x0, w.x1)
	}
	return ny
}

// limit restricts the move of a circle of radius rad from a to target along
// one axis (increasing when forward), where b is its fixed coordinate on the
// other axis and the wall spans [a0, a1] along the move and [b0, b1] across.
func limit(target, a, b int32, forward bool, rad, a0, a1, b0, b1 int32) int32 {
	var db int32 // distance from the circle's centre to the wall's span across
	if b < b0 {
		db = b0 - b
	} else if b > b1 {
		db = b - b1
	}
	if db >= rad {
		return target // passes beside the wall
	}
	if forward {
		if a0 <= a || target <= a0-rad {
			return target // the wall is behind, or out of reach
		}
	} else if a1 >= a || target >= a1+rad {
		return target
	}
	// How close along the move the centre may come to the wall's face:
	// the full radius beside a face, less beside a corner.
	reach := rad
	if db > 0 {
		reach = int32(ceilSqrt(sq(int64(rad)) - sq(int64(db))))
	}
	if forward {
		if a0-a < reach {
			return target // already overlapping: let it walk out
		}
		return min(target, a0-reach)
	}
	if a-a1 < reach {
		return target
	}
	return max(target, a1+reach)
}

// isqrt returns the integer square root of n (rounded down), bit by bit, so
// no floating point is involved.
func isqrt(n uint64) uint64 {
	if n < 2 {
		return n
	}
	bit := uint64(1) << ((bits.Len64(n) - 1) &^ 1)
	var res uint64
	for bit != 0 {
		if n >= res+bit {
			n -= res + bit
			res = res>>1 + bit
		} else {
			res >>= 1
		}
		bit >>= 2
	}
	return res
}

// ceilSqrt returns the square root of n rounded up; n < 0 counts as 0.
func ceilSqrt(n int64) int64 {
	if n <= 0 {
		return 0
	}
	s := int64(isqrt(uint64(n)))
	if s*s < n {
		s++
	}
	return s
}
