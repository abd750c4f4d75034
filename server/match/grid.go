package match

import (
	"math/bits"

	"github.com/skirmishgg/skirmish/protocol"
)

// grid is a uniform grid over a view's entities, built once per snapshot
// by the tick so that every client's interest query visits only the cells
// near it. Cells are laid out by counting sort into flat reusable slices:
// building it allocates nothing once they have grown.
type grid struct {
	cell       int32
	minX, minY int32
	cols, rows int32
	start      []int32 // cell c holds items[start[c]:start[c+1]]
	items      []int32 // indexes into the view's entities
}

// maxGridSide bounds the cells per side, whatever the world's extent.
const maxGridSide = 256

// build indexes entities by position with cells of the given size.
func (g *grid) build(entities []protocol.Entity, cell int32) {
	g.cell = cell
	if len(entities) == 0 {
		g.cols, g.rows = 0, 0
		return
	}
	minX, minY, maxX, maxY := entities[0].X, entities[0].Y, entities[0].X, entities[0].Y
	for i := range entities {
		e := &entities[i]
		minX, maxX = min(minX, e.X), max(maxX, e.X)
		minY, maxY = min(minY, e.Y), max(maxY, e.Y)
	}
	g.minX, g.minY = minX, minY
	g.cols = min(int32((int64(maxX)-int64(minX))/int64(cell))+1, maxGridSide)
	g.rows = min(int32((int64(maxY)-int64(minY))/int64(cell))+1, maxGridSide)
	n := int(g.cols * g.rows)
	g.start = resizeInt32(g.start, n+1)
	clear(g.start)
	g.items = resizeInt32(g.items, len(entities))
	for i := range entities {
		g.start[g.cellOf(entities[i].X, entities[i].Y)+1]++
	}
	for c := 1; c <= n; c++ {
		g.start[c] += g.start[c-1]
	}
	// Fill back to front so each cell's items stay in ascending index
	// order, using start[c+1] as the cell's moving end.
	for i := len(entities) - 1; i >= 0; i-- {
		c := g.cellOf(entities[i].X, entities[i].Y)
		g.start[c+1]--
		g.items[g.start[c+1]] = int32(i)
	}
	// start[c+1] now holds the beginning of cell c: shift back.
	copy(g.start, g.start[1:])
	g.start[n] = int32(len(entities))
}

// cellOf returns the cell index of a position, clamped into the grid.
func (g *grid) cellOf(x, y int32) int32 {
	cx := min(max((int64(x)-int64(g.minX))/int64(g.cell), 0), int64(g.cols-1))
	cy := min(max((int64(y)-int64(g.minY))/int64(g.cell), 0), int64(g.rows-1))
	return int32(cy)*g.cols + int32(cx)
}

// mark sets, in bits (cleared), the index of every entity in a cell that
// overlaps the rectangle [x0, x1]×[y0, y1]; callers test exact bounds
// themselves. When the rectangle spans most of the grid's cells, it marks
// every entity instead: the exact tests then cost less than walking the
// cells (a client's area often covers most of a small arena).
func (g *grid) mark(x0, y0, x1, y1 int32, bits []uint64) {
	if g.cols == 0 {
		return
	}
	if g.spans(x0, y0, x1, y1)*2 >= int(g.cols*g.rows) {
		n := len(g.items)
		for w := range bits {
			bits[w] = ^uint64(0)
		}
		if r := n % 64; r != 0 {
			bits[n/64] = 1<<r - 1
		}
		return
	}
	g.markCells(x0, y0, x1, y1, bits)
}

// spans returns how many cells the rectangle overlaps.
func (g *grid) spans(x0, y0, x1, y1 int32) int {
	c0, c1 := g.cellOf(x0, y0), g.cellOf(x1, y1)
	return int((c1%g.cols - c0%g.cols + 1) * (c1/g.cols - c0/g.cols + 1))
}

// markCells is mark by the cells.
func (g *grid) markCells(x0, y0, x1, y1 int32, bits []uint64) {
	c0 := g.cellOf(x0, y0)
	c1 := g.cellOf(x1, y1)
	cx0, cy0 := c0%g.cols, c0/g.cols
	cx1, cy1 := c1%g.cols, c1/g.cols
	for cy := cy0; cy <= cy1; cy++ {
		for cx := cx0; cx <= cx1; cx++ {
			c := cy*g.cols + cx
			for _, i := range g.items[g.start[c]:g.start[c+1]] {
				bits[i>>6] |= 1 << (uint(i) & 63)
			}
		}
	}
}

func resizeInt32(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n)
	}
	return s[:n]
}

func trailingZeros(w uint64) int { return bits.TrailingZeros64(w) }
