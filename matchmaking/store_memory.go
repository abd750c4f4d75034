package matchmaking

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// MemoryStore is the in-process Store: one mutex, a map of records, and
// per mode the queue in creation order.
type MemoryStore struct {
	mu       sync.Mutex
	recs     map[TicketID]*memRec
	players  map[string]TicketID // players of queued tickets
	pools    map[string]*memPool
	finished []*memRec // final records, in the order they finished
}

type memRec struct {
	rec Record
	idx int // in its pool's order
}

// memPool is one mode's queue: records oldest first. Records that left
// the queue stay in order as tombstones until the next compaction; live
// counts the queued ones, so a position costs O(log n).
type memPool struct {
	order   []*memRec
	live    fenwick
	dead    int
	tickets int
	players int
}

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{
		recs:    make(map[TicketID]*memRec),
		players: make(map[string]TicketID),
		pools:   make(map[string]*memPool),
	}
}

var _ Store = (*MemoryStore)(nil)

// Add implements Store.
func (s *MemoryStore) Add(ctx context.Context, t Ticket) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.recs[t.ID]; ok {
		return fmt.Errorf("%w: %s", ErrDuplicateTicket, t.ID)
	}
	for _, p := range t.Players {
		if other, ok := s.players[p.ID]; ok {
			return fmt.Errorf("%w: player %q is in queued ticket %s", ErrPlayerQueued, p.ID, other)
		}
	}
	r := &memRec{rec: Record{Ticket: t.clone(), State: StateQueued}}
	s.recs[t.ID] = r
	for _, p := range t.Players {
		s.players[p.ID] = t.ID
	}
	pl := s.pools[t.Mode]
	if pl == nil {
		pl = &memPool{}
		s.pools[t.Mode] = pl
	}
	n := len(pl.order)
	if n == 0 || olderThan(&pl.order[n-1].rec.Ticket, &r.rec.Ticket) < 0 {
		r.idx = n
		pl.order = append(pl.order, r)
		pl.live.push(1)
	} else { // created before the newest: rare, O(n)
		i, _ := slices.BinarySearchFunc(pl.order, r, func(a, b *memRec) int { return olderThan(&a.rec.Ticket, &b.rec.Ticket) })
		pl.order = slices.Insert(pl.order, i, r)
		pl.reindex()
	}
	pl.tickets++
	pl.players += len(t.Players)
	return nil
}

// Get implements Store.
func (s *MemoryStore) Get(ctx context.Context, id TicketID) (Record, error) {
	if err := ctx.Err(); err != nil {
		return Record{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.recs[id]
	if !ok {
		return Record{}, fmt.Errorf("%w: %s", ErrTicketNotFound, id)
	}
	return r.rec, nil
}

// Queued implements Store.
func (s *MemoryStore) Queued(ctx context.Context, mode string) ([]Ticket, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	pl := s.pools[mode]
	if pl == nil {
		return nil, nil
	}
	pl.compact()
	out := make([]Ticket, len(pl.order))
	for i, r := range pl.order {
		out[i] = r.rec.Ticket
	}
	return out, nil
}

// Position implements Store. It costs O(log n).
func (s *MemoryStore) Position(ctx context.Context, id TicketID) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.recs[id]
	if !ok {
		return 0, fmt.Errorf("%w: %s", ErrTicketNotFound, id)
	}
	if r.rec.State != StateQueued {
		return 0, fmt.Errorf("%w: %s is %s", ErrNotQueued, id, r.rec.State)
	}
	return s.pools[r.rec.Ticket.Mode].live.prefix(r.idx), nil
}

// Finish implements Store.
func (s *MemoryStore) Finish(ctx context.Context, recs []Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range recs {
		r, ok := s.recs[f.Ticket.ID]
		switch {
		case !ok:
			return fmt.Errorf("%w: %s", ErrTicketNotFound, f.Ticket.ID)
		case r.rec.State != StateQueued:
			return fmt.Errorf("%w: %s is %s", ErrNotQueued, f.Ticket.ID, r.rec.State)
		case !f.State.Final():
			return fmt.Errorf("matchmaking: finish %s with state %q", f.Ticket.ID, f.State)
		}
		for _, g := range recs[:i] {
			if g.Ticket.ID == f.Ticket.ID {
				return fmt.Errorf("matchmaking: finish lists %s twice", f.Ticket.ID)
			}
		}
	}
	for _, f := range recs {
		r := s.recs[f.Ticket.ID]
		r.rec.State, r.rec.Reason, r.rec.Assignment, r.rec.FinishedAt = f.State, f.Reason, f.Assignment, f.FinishedAt
		for _, p := range r.rec.Ticket.Players {
			delete(s.players, p.ID)
		}
		pl := s.pools[r.rec.Ticket.Mode]
		pl.live.add(r.idx, -1)
		pl.dead++
		pl.tickets--
		pl.players -= len(r.rec.Ticket.Players)
		if pl.dead > 64 && pl.dead > len(pl.order)/2 {
			pl.compact()
		}
		s.finished = append(s.finished, r)
	}
	return nil
}

// compact drops the records that left the queue.
func (pl *memPool) compact() {
	if pl.dead == 0 {
		return
	}
	kept := pl.order[:0]
	for _, r := range pl.order {
		if r.rec.State == StateQueued {
			kept = append(kept, r)
		}
	}
	clear(pl.order[len(kept):])
	pl.order, pl.dead = kept, 0
	pl.reindex()
}

// reindex renumbers the records and rebuilds the live counts.
func (pl *memPool) reindex() {
	for i, r := range pl.order {
		r.idx = i
	}
	pl.live.rebuild(len(pl.order), func(i int) bool { return pl.order[i].rec.State == StateQueued })
}

// Counts implements Store.
func (s *MemoryStore) Counts(ctx context.Context) (map[string]PoolCount, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]PoolCount, len(s.pools))
	for mode, pl := range s.pools {
		out[mode] = PoolCount{Tickets: pl.tickets, Players: pl.players}
	}
	return out, nil
}

// Prune implements Store.
func (s *MemoryStore) Prune(ctx context.Context, before time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for n < len(s.finished) && s.finished[n].rec.FinishedAt.Before(before) {
		if r := s.finished[n]; s.recs[r.rec.Ticket.ID] == r {
			delete(s.recs, r.rec.Ticket.ID)
		}
		n++
	}
	s.finished = slices.Delete(s.finished, 0, n)
	return n, nil
}

// Trim implements Store. Records are kept in the order they finished.
func (s *MemoryStore) Trim(ctx context.Context, keep int) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := max(len(s.finished)-max(keep, 0), 0)
	for _, r := range s.finished[:n] {
		if s.recs[r.rec.Ticket.ID] == r {
			delete(s.recs, r.rec.Ticket.ID)
		}
	}
	s.finished = slices.Delete(s.finished, 0, n)
	return n, nil
}
