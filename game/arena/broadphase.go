package arena

// playerCells indexes the players by position on a uniform grid, so a
// bullet tests only the players near its path rather than all of them: in a
// big match (hundreds of players and bullets) that is most of a step's
// work. It is rebuilt every step once the players have moved, and follows a
// player that respawns during the step. The choice of victim does not
// depend on it: among the players a bullet reaches, the first along its
// path wins, and a tie goes to the lowest index, as in a scan of all.
type playerCells struct {
	size       int32   // cell side, in subunits
	cols, rows int32   // cells across and down
	head       []int32 // per cell: the index of its first player, -1 for none
	next       []int32 // per player: the next player index in its cell
	cell       []int32 // per player: its cell
}

// gridMinPlayers is the player count from which the grid pays for itself
// (below it, testing every player is as fast).
const gridMinPlayers = 48

// gridCellUnits is the grid's cell side in world units: a few player
// diameters, so a bullet's step and hit radius span one to four cells.
const gridCellUnits = 96

// build indexes players for a world of width × height subunits.
func (g *playerCells) build(width, height int32, players []player) {
	g.size = gridCellUnits * SubunitsPerUnit
	g.cols, g.rows = width/g.size+1, height/g.size+1
	cells := int(g.cols * g.rows)
	if cap(g.head) < cells {
		g.head = make([]int32, cells)
	}
	g.head = g.head[:cells]
	for i := range g.head {
		g.head[i] = -1
	}
	g.next = g.next[:0]
	g.cell = g.cell[:0]
	for i := range players {
		c := g.cellAt(int64(players[i].x), int64(players[i].y))
		g.cell = append(g.cell, c)
		g.next = append(g.next, g.head[c])
		g.head[c] = int32(i)
	}
}

// col and row return the grid column and row of a coordinate, clamped to
// the grid.
func (g *playerCells) col(x int64) int32 { return int32(clamp(x/int64(g.size), 0, int64(g.cols-1))) }
func (g *playerCells) row(y int64) int32 { return int32(clamp(y/int64(g.size), 0, int64(g.rows-1))) }

func (g *playerCells) cellAt(x, y int64) int32 { return g.row(y)*g.cols + g.col(x) }

// move re-files player i, now at (x, y).
func (g *playerCells) move(i int, x, y int32) {
	old, c := g.cell[i], g.cellAt(int64(x), int64(y))
	if old == c {
		return
	}
	// Unlink from the old cell's list.
	if g.head[old] == int32(i) {
		g.head[old] = g.next[i]
	} else {
		for j := g.head[old]; j >= 0; j = g.next[j] {
			if g.next[j] == int32(i) {
				g.next[j] = g.next[i]
				break
			}
		}
	}
	g.cell[i] = c
	g.next[i] = g.head[c]
	g.head[c] = int32(i)
}

// firstHit returns the player a bullet at (px, py) moving by (dx, dy)
// reaches first, never its owner: index, distance along the path (as
// segmentHitsCircle measures it) and contact point; index -1 for none.
func (w *World) firstHit(b *bullet, px, py, dx, dy int64) (victim int, ix, iy int64) {
	victim = -1
	var best int64
	test := func(i int) {
		p := &w.players[i]
		if p.id == b.owner {
			return
		}
		tx, ty := p.at(w.tick, b.rewind)
		hit, along, cx, cy := segmentHitsCircle(px, py, dx, dy, int64(tx), int64(ty), w.r.hitR)
		if hit && (victim < 0 || along < best || (along == best && i < victim)) {
			victim, best, ix, iy = i, along, cx, cy
		}
	}
	// A rewound target is at most rewind steps from where it is now (and
	// from where the grid has it; never further back than its spawn), so
	// a player whose current position is farther than rad from the box
	// around the bullet's path cannot be hit.
	rad := w.r.hitR + int64(b.rewind)*int64(w.r.moveStep)*2
	if !w.cellsOn {
		// The same reach rules out most players before their trail is
		// read and the segment test run.
		x0, x1 := min(px, px+dx)-rad, max(px, px+dx)+rad
		y0, y1 := min(py, py+dy)-rad, max(py, py+dy)+rad
		for i := range w.players {
			if x, y := int64(w.players[i].x), int64(w.players[i].y); (x < x0 || x > x1 || y < y0 || y > y1) && !w.bruteForce {
				continue
			}
			test(i)
		}
		return victim, ix, iy
	}
	g := &w.cells
	c0, c1 := g.col(min(px, px+dx)-rad), g.col(max(px, px+dx)+rad)
	r0, r1 := g.row(min(py, py+dy)-rad), g.row(max(py, py+dy)+rad)
	for r := r0; r <= r1; r++ {
		for c := c0; c <= c1; c++ {
			for i := g.head[r*g.cols+c]; i >= 0; i = g.next[i] {
				test(int(i))
			}
		}
	}
	return victim, ix, iy
}
