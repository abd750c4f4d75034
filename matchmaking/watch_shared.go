package matchmaking

import (
	"context"
	"errors"
	"time"
)

// Watchers of tickets in pools another matchmaker passes learn nothing
// from this one's passes: a shared Store is the only place their changes
// show. After each pass, refreshWatched reads those tickets back and
// pushes what changed, so a player queued on one matchmaker hears of the
// assignment another one made, within an Interval.

// refreshWatched reads the watched tickets of the pools this matchmaker
// did not pass (notHeld, by mode) and pushes their new state or position.
func (m *Matchmaker) refreshWatched(ctx context.Context, notHeld map[string]bool, now time.Time) {
	if len(notHeld) == 0 {
		return
	}
	m.mu.Lock()
	var ids []TicketID
	for id, ws := range m.watchers {
		if len(ws) > 0 && notHeld[ws[0].mode] {
			ids = append(ids, id)
		}
	}
	m.mu.Unlock()
	for _, id := range ids {
		rec, err := m.store.Get(ctx, id)
		if err != nil {
			continue // a later round tries again
		}
		pos := 0
		if rec.State == StateQueued {
			if pos, err = m.store.Position(ctx, id); errors.Is(err, ErrNotQueued) {
				rec, err = m.store.Get(ctx, id)
			}
			if err != nil {
				continue
			}
		}
		m.mu.Lock()
		if rec.State.Final() {
			m.notifyLocked(rec, now)
		} else {
			var st *TicketStatus
			for _, w := range m.watchers[id] {
				if w.lastPos == pos {
					continue
				}
				if st == nil {
					s := m.statusLocked(rec, pos, now)
					st = &s
				}
				w.push(*st)
				w.lastPos = pos
			}
		}
		m.mu.Unlock()
	}
}
