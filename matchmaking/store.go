package matchmaking

import (
	"context"
	"time"
)

// Store keeps tickets: the queue per mode and, for a while, the records of
// tickets that left it. Implementations must be safe for concurrent use.
// MemoryStore is the in-process one; a shared store (redisstore.Store)
// lets several matchmakers take tickets, each pool's passes run by the
// holder of its lease (Leases).
//
// The one transition, Finish, is a compare-and-set from queued: this is
// what makes a cancel and a pass race-free, whichever comes first.
type Store interface {
	// Add queues a ticket. It fails, changing nothing, with an error
	// wrapping ErrDuplicateTicket when the ID is known, or ErrPlayerQueued
	// (naming the player and their ticket) when one of its players is in
	// a queued ticket.
	Add(ctx context.Context, t Ticket) error

	// Get returns a ticket's record, queued or final; ErrTicketNotFound.
	Get(ctx context.Context, id TicketID) (Record, error)

	// Queued returns the queued tickets of a mode, oldest first (CreatedAt
	// then ID). The slice is the caller's; the tickets must not be
	// modified.
	Queued(ctx context.Context, mode string) ([]Ticket, error)

	// Position counts the queued tickets of the same mode ahead of id;
	// ErrTicketNotFound, or ErrNotQueued when it is not queued.
	Position(ctx context.Context, id TicketID) (int, error)

	// Finish moves queued tickets to their final records (state, reason,
	// assignment, FinishedAt) all together: when one of them is no longer
	// queued (or unknown), nothing changes and the error wraps
	// ErrNotQueued (or ErrTicketNotFound). The players of finished tickets
	// may queue again.
	Finish(ctx context.Context, recs []Record) error

	// Counts returns the queued tickets and players per mode.
	Counts(ctx context.Context) (map[string]PoolCount, error)

	// Prune forgets final records that finished before the given time and
	// returns how many.
	Prune(ctx context.Context, before time.Time) (int, error)

	// Trim forgets the oldest final records (by FinishedAt, then ID) past
	// the newest keep, and returns how many: retention bounded by count,
	// so that queue-and-cancel churn cannot grow the store without bound.
	// Queued tickets are never trimmed.
	Trim(ctx context.Context, keep int) (int, error)
}

// PoolCount is the size of one mode's queue.
type PoolCount struct {
	Tickets int `json:"tickets"`
	Players int `json:"players"`
}
