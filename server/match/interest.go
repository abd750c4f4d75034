package match

import (
	"slices"

	"github.com/skirmishgg/skirmish/protocol"
)

// Interest limits what each client is sent to the entities around its own
// player, in the game's position units (entity X and Y; the arena's are
// quarter world units).
type Interest struct {
	// HalfWidth and HalfHeight are half the sides of the area a client
	// sees around its player: a bit more than its screen shows.
	HalfWidth, HalfHeight int32
	// Margin is the hysteresis: an entity enters the area at its border
	// but leaves only Margin beyond it, so one moving along the border is
	// not created and removed over and over. Default HalfWidth/8.
	Margin int32
	// Cell is the side of the grid cells the tick indexes entities by.
	// Default the larger half side.
	Cell int32
}

func (in *Interest) WithDefaults() *Interest {
	if in == nil {
		return nil
	}
	c := *in
	if c.Margin <= 0 {
		c.Margin = c.HalfWidth / 8
	}
	if c.Cell <= 0 {
		c.Cell = max(c.HalfWidth, c.HalfHeight, 1)
	}
	return &c
}

// Filter is one client's side of interest management: which
// entities it holds. It belongs to whoever writes the client's snapshots.
type Filter struct {
	cfg     *Interest
	known   []uint32 // IDs the client holds, ascending
	hasSelf bool
	cx, cy  int32 // the last known centre: the own player's position
}

// NewFilter returns a filter for one client; cfg has its defaults filled
// in (Interest.WithDefaults).
func NewFilter(cfg *Interest) *Filter { return &Filter{cfg: cfg} }

// FilterScratch is the working memory of a filter call. Senders own one
// each, so an idle session holds none.
type FilterScratch struct {
	from []protocol.Entity
	to   []protocol.Entity
	bits []uint64
}

// filter returns what the client holds (the known entities, as in base)
// and what it should hold after this snapshot (the entities of cur in its
// area, its own player always), both sorted by ID, ready for
// AppendSnapshot. A nil base means the client holds nothing. The result
// lives in sc until its next use; it then becomes what the client knows.
func (f *Filter) Filter(sc *FilterScratch, base, cur *View, self uint32) (from, to []protocol.Entity) {
	sc.from = sc.from[:0]
	if base == nil {
		f.known = f.known[:0]
	} else {
		sc.from = pick(sc.from, base.Entities, f.known)
	}

	ents := cur.Entities
	if i, ok := slices.BinarySearchFunc(ents, self, byID); ok {
		f.cx, f.cy, f.hasSelf = ents[i].X, ents[i].Y, true
	}
	sc.to = sc.to[:0]
	if !f.hasSelf {
		// No position yet to centre on: the client gets everything.
		sc.to = append(sc.to, ents...)
	} else {
		sc.to = f.inArea(sc, sc.to, cur, self)
	}
	f.known = f.known[:0]
	for i := range sc.to {
		f.known = append(f.known, sc.to[i].ID)
	}
	return sc.from, sc.to
}

// inArea appends the entities of cur the client should hold, ascending.
func (f *Filter) inArea(sc *FilterScratch, dst []protocol.Entity, cur *View, self uint32) []protocol.Entity {
	c := f.cfg
	outer := [4]int32{f.cx - c.HalfWidth - c.Margin, f.cy - c.HalfHeight - c.Margin, f.cx + c.HalfWidth + c.Margin, f.cy + c.HalfHeight + c.Margin}
	inner := [4]int32{f.cx - c.HalfWidth, f.cy - c.HalfHeight, f.cx + c.HalfWidth, f.cy + c.HalfHeight}
	words := (len(cur.Entities) + 63) / 64
	if cap(sc.bits) < words {
		sc.bits = make([]uint64, words)
	}
	sc.bits = sc.bits[:words]
	clear(sc.bits)
	cur.grid.mark(outer[0], outer[1], outer[2], outer[3], sc.bits)

	known := f.known // ascending, walked alongside the ascending indexes
	k := 0
	for w, word := range sc.bits {
		for word != 0 {
			i := w*64 + trailingZeros(word)
			word &= word - 1
			e := &cur.Entities[i]
			if e.ID == self || within(e, inner) {
				dst = append(dst, *e)
				continue
			}
			if !within(e, outer) {
				continue
			}
			// Between the borders: kept only if the client holds it.
			for k < len(known) && known[k] < e.ID {
				k++
			}
			if k < len(known) && known[k] == e.ID {
				dst = append(dst, *e)
			}
		}
	}
	// The own player may lie outside every marked cell only if the grid
	// clamps it; make sure it is there.
	if i, ok := slices.BinarySearchFunc(dst, self, byID); !ok {
		if j, found := slices.BinarySearchFunc(cur.Entities, self, byID); found {
			dst = slices.Insert(dst, i, cur.Entities[j])
		}
	}
	return dst
}

// pick appends the entities of src (ascending) whose IDs are in ids
// (ascending).
func pick(dst, src []protocol.Entity, ids []uint32) []protocol.Entity {
	j := 0
	for _, id := range ids {
		for j < len(src) && src[j].ID < id {
			j++
		}
		if j < len(src) && src[j].ID == id {
			dst = append(dst, src[j])
		}
	}
	return dst
}

func within(e *protocol.Entity, r [4]int32) bool {
	return e.X >= r[0] && e.Y >= r[1] && e.X <= r[2] && e.Y <= r[3]
}

func byID(e protocol.Entity, id uint32) int {
	switch {
	case e.ID < id:
		return -1
	case e.ID > id:
		return 1
	}
	return 0
}
