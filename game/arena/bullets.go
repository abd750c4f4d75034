package arena

import "github.com/skirmishgg/skirmish/game"

// bulletIDBase is the first bullet entity ID; bullet IDs stay in
// [bulletIDBase, 2^32) so they never collide with player IDs.
const bulletIDBase = MaxPlayerID + 1

// bullet flies in a straight line at constant speed: its position is a pure
// function of where and when it was fired, which is what lets clients draw
// it from its spawn fields alone (BulletPosition).
type bullet struct {
	id     uint32
	owner  game.PlayerID
	dir    uint16
	tick0  uint32 // tick it was fired at
	x0, y0 int32  // spawn, in subunits, on the view-unit grid
	vx, vy int32  // per step, in subunits
	x, y   int32  // current position
	rewind uint16 // its shooter's lag when it was fired (see lagcomp.go)
}

// bulletVelocity is the displacement per step of a bullet fired along dir.
func (r *Rules) bulletVelocity(dir uint16) (vx, vy int32) {
	return polar(dir, r.bulletStep)
}

// bulletAge is how many steps a bullet fired at tick0 has flown at tick,
// within [0, lifetime].
func (r *Rules) bulletAge(tick, tick0 uint32) int64 {
	return clamp(int64(int32(tick-tick0)), 0, int64(r.cfg.BulletLifetime))
}

// fire makes every player whose gun is ready and who holds fire shoot.
func (w *World) fire(tick uint32) {
	r := w.r
	for i := range w.players {
		p := &w.players[i]
		if p.cooldown > 0 {
			p.cooldown--
		}
		if p.cooldown > 0 || p.in.Buttons&game.ButtonFire == 0 {
			continue
		}
		p.cooldown = r.cfg.FireCooldown
		mx, my := polar(p.in.Aim, r.muzzle)
		// Snapping the spawn to the view grid makes the bullet's spawn
		// fields exact, so clients compute exactly the server's positions.
		x0, y0 := FromView(ToView(p.x+mx)), FromView(ToView(p.y+my))
		if !r.inWorld(x0, y0) || r.inWall(x0, y0) {
			continue // fired point-blank into a wall: the shot is lost
		}
		vx, vy := r.bulletVelocity(p.in.Aim)
		w.bullets = append(w.bullets, bullet{
			id: w.newBulletID(), owner: p.id, dir: p.in.Aim, tick0: tick,
			x0: x0, y0: y0, vx: vx, vy: vy, x: x0, y: y0,
			rewind: min(p.in.Rewind, MaxRewindTicks),
		})
	}
}

func (w *World) newBulletID() uint32 {
	id := w.nextBullet
	w.nextBullet++
	if w.nextBullet < bulletIDBase { // wrapped past 2^32-1
		w.nextBullet = bulletIDBase
	}
	return id
}

// advanceBullets moves every bullet to where it is at tick, resolving what
// it meets on the way, and drops the spent ones.
func (w *World) advanceBullets(tick uint32) {
	w.cellsOn = len(w.players) >= gridMinPlayers && !w.noCells && !w.bruteForce
	if w.cellsOn {
		w.cells.build(w.r.width, w.r.height, w.players)
		defer func() { w.cellsOn = false }()
	}
	kept := w.bullets[:0]
	for _, b := range w.bullets {
		if w.ended || w.advance(&b, tick) {
			kept = append(kept, b)
		}
	}
	w.bullets = kept
}

// advance moves b along its path for this step and reports whether it is
// still flying. Along the segment it covers, the first wall it touches cuts
// the segment short, and the player it reaches first (never its owner) on
// what is left takes the hit.
func (w *World) advance(b *bullet, tick uint32) bool {
	r := w.r
	age := r.bulletAge(tick, b.tick0)
	nx := b.x0 + int32(int64(b.vx)*age)
	ny := b.y0 + int32(int64(b.vy)*age)
	dx, dy := int64(nx-b.x), int64(ny-b.y)

	hitWall := false
	var tn, td int64 = 1, 1 // fraction of the segment before the first wall
	for _, wb := range r.bulletWalls {
		if boundsMissBox(int64(b.x), int64(b.y), dx, dy, wb) {
			continue // most walls end here
		}
		if n, d, ok := segmentEntersBox(int64(b.x), int64(b.y), dx, dy, wb); ok && (!hitWall || n*td < tn*d) {
			tn, td, hitWall = n, d, true
		}
	}
	if hitWall {
		dx, dy = dx*tn/td, dy*tn/td
	}

	victim, ix, iy := w.firstHit(b, int64(b.x), int64(b.y), dx, dy)
	if victim >= 0 {
		w.hit(b.owner, victim, int32(ix), int32(iy))
		return false
	}
	if hitWall {
		return false
	}
	b.x, b.y = nx, ny
	return r.inWorld(nx, ny) && age < int64(r.cfg.BulletLifetime)
}

func (r *Rules) inWorld(x, y int32) bool {
	return x >= 0 && y >= 0 && x <= r.width && y <= r.height
}

// inWall reports whether a bullet centred at (x, y) overlaps a wall.
func (r *Rules) inWall(x, y int32) bool {
	for _, b := range r.bulletWalls {
		if x > b.x0 && x < b.x1 && y > b.y0 && y < b.y1 {
			return true
		}
	}
	return false
}

// boundsMissBox reports whether the bounding box of the segment from
// (px, py) along (dx, dy) stays out of b's interior, which is open: then
// the segment cannot enter b (segmentEntersBox would say no), at the cost
// of four comparisons.
func boundsMissBox(px, py, dx, dy int64, b box) bool {
	return max(px, px+dx) <= int64(b.x0) || min(px, px+dx) >= int64(b.x1) ||
		max(py, py+dy) <= int64(b.y0) || min(py, py+dy) >= int64(b.y1)
}

// segmentEntersBox reports whether the segment from (px, py) along (dx, dy)
// enters the interior of b, and at which fraction n/d of its length
// (Liang–Barsky, with fractions compared by cross-multiplying so it stays
// exact in integers). Growing walls by the bullet radius makes this the
// bullet's circle test, slightly generous at the corners.
func segmentEntersBox(px, py, dx, dy int64, b box) (n, d int64, ok bool) {
	en, ed := int64(0), int64(1) // entry fraction
	xn, xd := int64(1), int64(1) // exit fraction
	clip := func(p, v, lo, hi int64) bool {
		if v == 0 {
			return p > lo && p < hi
		}
		// Fractions where the segment crosses lo and hi, nearest first.
		n0, n1, den := lo-p, hi-p, v
		if v < 0 {
			n0, n1, den = p-hi, p-lo, -v
		}
		if n0*ed > en*den {
			en, ed = n0, den
		}
		if n1*xd < xn*den {
			xn, xd = n1, den
		}
		return true
	}
	if !clip(px, dx, int64(b.x0), int64(b.x1)) || !clip(py, dy, int64(b.y0), int64(b.y1)) {
		return 0, 0, false
	}
	// It enters when the entry comes strictly before the exit.
	if en*xd >= xn*ed {
		return 0, 0, false
	}
	return en, ed, true
}

// segmentHitsCircle reports whether the segment from (px, py) along
// (dx, dy) passes strictly within rad of (cx, cy) and, if so, where it first
// touches that circle: along, the fraction of the segment in units of |d|²
// (for ordering), and the point (ix, iy).
func segmentHitsCircle(px, py, dx, dy, cx, cy, rad int64) (hit bool, along, ix, iy int64) {
	fx, fy := cx-px, cy-py
	// Cheap rejection; it also bounds the products below (see the limits in
	// config.go).
	if abs(fx) >= abs(dx)+rad || abs(fy) >= abs(dy)+rad {
		return false, 0, 0, 0
	}
	den := dx*dx + dy*dy
	t := fx*dx + fy*dy // projection of f on d, ×|d|
	f2, r2 := fx*fx+fy*fy, rad*rad
	switch {
	case t <= 0 || den == 0: // closest to the start
		hit = f2 < r2
	case t >= den: // closest to the end
		hit = sq(fx-dx)+sq(fy-dy) < r2
	default: // squared distance to the line, ×|d|²: |f|²·|d|² − t²
		hit = f2*den-t*t < r2*den
	}
	if !hit || den == 0 {
		return hit, 0, px, py
	}
	// First contact: |f − s·d| = rad at s = (t − √(t² − |d|²(|f|² − rad²)))/|d|².
	s := clamp(t-int64(isqrt(uint64(t*t-den*(f2-r2)))), 0, den)
	return true, s, px + dx*s/den, py + dy*s/den
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}
