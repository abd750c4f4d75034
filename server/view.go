package server

import (
	"sync/atomic"

	"github.com/skirmishgg/skirmish/protocol"
)

// view is an immutable world view at one snapshot tick, shared by every
// session of a match. Writers keep the view they last wrote as the baseline
// of their next delta, so views are reference counted and go back to their
// match's pool when the last holder lets go.
type view struct {
	tick     uint32
	entities []protocol.Entity // sorted by ID
	grid     grid              // over entities, when interest management is on
	refs     atomic.Int32
	pool     *viewPool
}

// retain adds a holder.
func (v *view) retain() { v.refs.Add(1) }

// release drops a holder; the last one returns the view to its pool.
func (v *view) release() {
	if v.refs.Add(-1) == 0 {
		v.pool.put(v)
	}
}

// viewPool recycles views so steady-state snapshots allocate nothing. It is
// a buffered channel used without blocking: gets and puts happen on the tick
// and on writers concurrently, and a full pool lets the view go to the GC.
type viewPool struct {
	free chan *view
}

func newViewPool(size int) *viewPool {
	return &viewPool{free: make(chan *view, size)}
}

// get returns a view with one reference, for the caller.
func (p *viewPool) get() *view {
	var v *view
	select {
	case v = <-p.free:
	default:
		v = &view{pool: p}
	}
	v.refs.Store(1)
	return v
}

func (p *viewPool) put(v *view) {
	v.entities = v.entities[:0]
	select {
	case p.free <- v:
	default:
	}
}
