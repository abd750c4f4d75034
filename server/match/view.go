package match

import (
	"sync/atomic"

	"github.com/skirmishgg/skirmish/protocol"
)

// View is an immutable world view at one snapshot tick, shared by every
// peer of a match (only its memo of encoded deltas fills in as peers ask
// for them). A transport keeps the view it last wrote as the baseline
// of its next delta, so views are reference counted and go back to their
// match's pool when the last holder lets go.
type View struct {
	Tick     uint32
	Entities []protocol.Entity // sorted by ID
	// Counts is the match's schema, to encode the entities with.
	Counts *protocol.FieldCounts
	grid   grid // over Entities, when interest management is on
	deltas sharedDeltas
	refs   atomic.Int32
	pool   *viewPool
}

// Retain adds a holder.
func (v *View) Retain() { v.refs.Add(1) }

// Release drops a holder; the last one returns the view to its pool.
func (v *View) Release() {
	if v.refs.Add(-1) == 0 {
		v.pool.put(v)
	}
}

// viewPool recycles views so steady-state snapshots allocate nothing. It is
// a buffered channel used without blocking: gets and puts happen on the tick
// and on writers concurrently, and a full pool lets the view go to the GC.
type viewPool struct {
	free   chan *View
	counts *protocol.FieldCounts
}

func newViewPool(size int, counts *protocol.FieldCounts) *viewPool {
	return &viewPool{free: make(chan *View, size), counts: counts}
}

// get returns a view with one reference, for the caller.
func (p *viewPool) get() *View {
	var v *View
	select {
	case v = <-p.free:
	default:
		v = &View{pool: p, Counts: p.counts}
	}
	v.refs.Store(1)
	return v
}

func (p *viewPool) put(v *View) {
	v.Entities = v.Entities[:0]
	v.deltas.reset()
	select {
	case p.free <- v:
	default:
	}
}

// NewView returns a view of entities that belongs to no match, for tests
// and tools: its last Release lets it go.
func NewView(tick uint32, entities []protocol.Entity, counts *protocol.FieldCounts, gridCell int32) *View {
	v := newViewPool(0, counts).get()
	v.Tick, v.Entities = tick, entities
	if gridCell > 0 {
		v.grid.build(entities, gridCell)
	}
	return v
}
