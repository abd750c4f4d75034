package match

import (
	"sync"

	"github.com/skirmishgg/skirmish/protocol"
)

// maxSharedDeltas bounds the bodies a view keeps: the delta against the
// previous snapshot (what every client that keeps up holds), one against
// an older one (a client whose last snapshot was skipped) and the full
// one (a client that just joined). A rarer baseline is encoded by its
// caller alone.
const maxSharedDeltas = 3

// sharedDeltas keeps the encoded delta bodies of one view, one per
// baseline, so the peers of a match sent the same delta encode it once
// between them instead of once each. Filled by the first sender that
// needs a body; read by the others under mu. Reset when the view goes
// back to its pool (no holder is left then).
type sharedDeltas struct {
	mu      sync.Mutex
	n       int
	base    [maxSharedDeltas]uint32 // the baseline's tick; 0: full
	body    [maxSharedDeltas][]byte // kept across reuses for their capacity
	encodes int                     // bodies encoded, for tests
}

// AppendDeltaBody appends to b the body of the snapshot that brings a
// client holding base (nil: nothing) to v, as protocol.AppendSnapshotBody
// encodes it; the header to put before it is
// protocol.AppendSnapshotHeader with base's tick, or 0 for a nil base (a
// base at tick 0 counts as nil, as in protocol.AppendSnapshot). The body
// is encoded once per baseline and view and copied out from then on. Any
// goroutine holding a reference to v (and to base).
func (v *View) AppendDeltaBody(b []byte, base *View) []byte {
	key, from := uint32(0), []protocol.Entity(nil)
	if base != nil && base.Tick != 0 {
		key, from = base.Tick, base.Entities
		if from == nil {
			from = v.Entities[:0] // holds nothing, yet a delta: not a full snapshot
		}
	}
	d := &v.deltas
	d.mu.Lock()
	defer d.mu.Unlock()
	for i := range d.n {
		if d.base[i] == key {
			return append(b, d.body[i]...)
		}
	}
	if d.n == maxSharedDeltas {
		return protocol.AppendSnapshotBody(b, from, v.Entities, v.Counts)
	}
	i := d.n
	d.base[i] = key
	d.body[i] = protocol.AppendSnapshotBody(d.body[i][:0], from, v.Entities, v.Counts)
	d.n++
	d.encodes++
	return append(b, d.body[i]...)
}

// reset forgets the bodies (keeping their memory) when the view is reused.
func (d *sharedDeltas) reset() {
	d.n, d.encodes = 0, 0
}
