package clientnet

import (
	"fmt"

	"github.com/skirmishgg/skirmish/protocol"
)

// Replica is a client's copy of the server's entity view, advanced by
// applying snapshots. It keeps two entity slices and swaps them on every
// snapshot, so after the first few snapshots Apply allocates nothing, and
// the view before the newest one stays readable (for interpolation) until
// the next Apply.
//
// The zero Replica is empty and ready to use. A Replica is not safe for
// concurrent use.
type Replica struct {
	cur, prev       []protocol.Entity
	tick, prevTick  uint32
	hasCur, hasPrev bool
	lastSeq         uint32
}

// Apply applies s to the view. A full snapshot (Base 0) replaces whatever
// the replica held; a delta must have Base equal to the replica's tick and
// a later Tick, or Apply fails with ErrBaseMismatch. A snapshot that does
// not fit the view fails with an error wrapping protocol.ErrMalformed. On
// failure the current view is unchanged but the previous one is lost.
func (r *Replica) Apply(s *protocol.Snapshot) error {
	if s.Base != 0 {
		if !r.hasCur {
			return fmt.Errorf("%w: delta on base %d but no view yet", ErrBaseMismatch, s.Base)
		}
		if s.Base != r.tick {
			return fmt.Errorf("%w: delta on base %d but the view is at tick %d", ErrBaseMismatch, s.Base, r.tick)
		}
		if s.Tick <= s.Base {
			return fmt.Errorf("%w: delta to tick %d is not after its base %d", ErrBaseMismatch, s.Tick, s.Base)
		}
	}
	dst, err := protocol.Apply(r.prev[:0], r.cur, s)
	if err != nil {
		r.prev = dst[:0]
		r.hasPrev = false
		return fmt.Errorf("clientnet: apply snapshot %d on %d: %w", s.Tick, s.Base, err)
	}
	r.prev, r.cur = r.cur, dst
	r.prevTick, r.tick = r.tick, s.Tick
	r.hasPrev, r.hasCur = r.hasCur, true
	r.lastSeq = s.LastSeq
	return nil
}

// Reset empties the replica, keeping its memory.
func (r *Replica) Reset() {
	r.cur, r.prev = r.cur[:0], r.prev[:0]
	r.tick, r.prevTick = 0, 0
	r.hasCur, r.hasPrev = false, false
	r.lastSeq = 0
}

// HasView reports whether a snapshot has been applied.
func (r *Replica) HasView() bool { return r.hasCur }

// Tick is the tick of the current view (0 before the first snapshot).
func (r *Replica) Tick() uint32 { return r.tick }

// LastSeq is the last input sequence number the server had applied when it
// made the current view.
func (r *Replica) LastSeq() uint32 { return r.lastSeq }

// Entities returns the current view, sorted by ID. The slice is owned by
// the replica and valid until the second Apply after this call; copy what
// must live longer.
func (r *Replica) Entities() []protocol.Entity { return r.cur }

// View returns the current view's tick and entities (see Entities).
func (r *Replica) View() (tick uint32, entities []protocol.Entity) {
	return r.tick, r.cur
}

// Prev returns the view before the current one, valid until the next Apply;
// ok is false when there is none (fewer than two snapshots applied, or the
// last Apply failed).
func (r *Replica) Prev() (tick uint32, entities []protocol.Entity, ok bool) {
	if !r.hasPrev {
		return 0, nil, false
	}
	return r.prevTick, r.prev, true
}

// Find returns the entity with the given ID in the current view, or nil.
// The pointer is valid like the slice Entities returns.
func (r *Replica) Find(id uint32) *protocol.Entity {
	lo, hi := 0, len(r.cur)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if r.cur[m].ID < id {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == len(r.cur) || r.cur[lo].ID != id {
		return nil
	}
	return &r.cur[lo]
}
