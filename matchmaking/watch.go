package matchmaking

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// watcher is one Watch subscription: a one-slot channel where the newest
// status replaces an unread one, so a pass never waits for a reader.
type watcher struct {
	ch      chan TicketStatus
	mode    string
	lastPos int
	pushed  bool
	closed  bool
}

// push delivers st, dropping an unread older status. Callers hold m.mu,
// so there is one sender at a time; the reader may take the old value
// between the two selects, which the loop absorbs.
func (w *watcher) push(st TicketStatus) {
	w.pushed = true
	for {
		select {
		case w.ch <- st:
			return
		default:
		}
		select {
		case <-w.ch:
		default:
		}
	}
}

// Watch subscribes to a ticket's status. The channel first carries the
// current status, then every change of state and every change of queue
// position (after a pass); it is closed after the final status (assigned,
// cancelled, timed out, failed) or when cancel is called. It holds one
// status: a reader that falls behind gets the newest, never a stale one,
// and never slows the pass. ErrTicketNotFound for unknown tickets.
func (m *Matchmaker) Watch(ctx context.Context, id TicketID) (<-chan TicketStatus, func(), error) {
	rec, err := m.store.Get(ctx, id)
	if err != nil {
		return nil, nil, fmt.Errorf("matchmaking: watch: %w", err)
	}
	w := &watcher{ch: make(chan TicketStatus, 1), mode: rec.Ticket.Mode, lastPos: -1}
	m.mu.Lock()
	m.watchers[id] = append(m.watchers[id], w)
	m.watched[w.mode]++
	m.mu.Unlock()
	cancel := func() {
		m.mu.Lock()
		m.closeLocked(id, w)
		m.mu.Unlock()
	}

	// Read again now that the watcher is registered: a change after this
	// read is pushed by whoever makes it, one before it is in rec.
	rec, err = m.store.Get(ctx, id)
	pos := 0
	if err == nil && rec.State == StateQueued {
		pos, err = m.store.Position(ctx, id)
		if errors.Is(err, ErrNotQueued) {
			rec, err = m.store.Get(ctx, id)
		}
	}
	if err != nil {
		cancel()
		return nil, nil, fmt.Errorf("matchmaking: watch: %w", err)
	}
	m.mu.Lock()
	if !w.pushed && !w.closed {
		w.push(m.statusLocked(rec, pos, m.clock()))
		w.lastPos = pos
		if rec.State.Final() {
			m.closeLocked(id, w)
		}
	}
	m.mu.Unlock()
	return w.ch, cancel, nil
}

// closeLocked ends a subscription; m.mu held.
func (m *Matchmaker) closeLocked(id TicketID, w *watcher) {
	if w.closed {
		return
	}
	w.closed = true
	close(w.ch)
	ws := slices.DeleteFunc(m.watchers[id], func(x *watcher) bool { return x == w })
	if len(ws) == 0 {
		delete(m.watchers, id)
	} else {
		m.watchers[id] = ws
	}
	m.watched[w.mode]--
}

// notifyLocked pushes a final record to its watchers and closes them;
// m.mu held.
func (m *Matchmaker) notifyLocked(rec Record, now time.Time) {
	ws := m.watchers[rec.Ticket.ID]
	if len(ws) == 0 {
		return
	}
	st := m.statusLocked(rec, 0, now)
	for _, w := range slices.Clone(ws) {
		w.push(st)
		m.closeLocked(rec.Ticket.ID, w)
	}
}

// pushPositionsLocked tells the watchers of still-queued tickets their new
// position after a pass over tickets (the pass's snapshot, oldest first);
// gone marks the snapshot's tickets that left the queue. m.mu held.
func (m *Matchmaker) pushPositionsLocked(tickets []Ticket, gone []bool, now time.Time) {
	pos := 0
	for i := range tickets {
		if gone[i] {
			continue
		}
		if ws := m.watchers[tickets[i].ID]; len(ws) > 0 {
			var st TicketStatus
			for _, w := range ws {
				if w.lastPos == pos {
					continue
				}
				if st.TicketID == "" {
					st = m.statusLocked(Record{Ticket: tickets[i], State: StateQueued}, pos, now)
				}
				w.push(st)
				w.lastPos = pos
			}
		}
		pos++
	}
}
