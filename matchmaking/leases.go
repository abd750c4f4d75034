package matchmaking

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Leases decide which matchmaker runs a pool's passes when several share a
// Store: a matchmaker runs a pool's pass only while it holds the pool's
// lease, and renews it on every pass. A lease that is not renewed lapses
// after its TTL, so a killed matchmaker's pools pass to another one.
// Implementations must be safe for concurrent use.
//
// A lease is an optimisation, not the safety guard: see Matchmaker.RunPass
// for why no ticket is matched twice even when a lease lapses mid-pass.
type Leases interface {
	// Acquire takes the pool's lease for holder, or renews it when holder
	// already has it, for ttl. It reports false (and no error) while
	// another holder's lease is live.
	Acquire(ctx context.Context, pool, holder string, ttl time.Duration) (bool, error)

	// Release gives the pool's lease up if holder has it; otherwise it
	// does nothing.
	Release(ctx context.Context, pool, holder string) error
}

// MemoryLeases is the in-process Leases: enough for one matchmaker
// process, which it always grants, and for tests.
type MemoryLeases struct {
	clock func() time.Time
	mu    sync.Mutex
	held  map[string]memLease
}

type memLease struct {
	holder  string
	expires time.Time
}

// NewMemoryLeases returns leases on the given clock (nil: time.Now).
func NewMemoryLeases(clock func() time.Time) *MemoryLeases {
	if clock == nil {
		clock = time.Now
	}
	return &MemoryLeases{clock: clock, held: make(map[string]memLease)}
}

var _ Leases = (*MemoryLeases)(nil)

// Acquire implements Leases.
func (l *MemoryLeases) Acquire(ctx context.Context, pool, holder string, ttl time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if holder == "" || ttl <= 0 {
		return false, fmt.Errorf("matchmaking: lease of %s: need a holder and a positive TTL", pool)
	}
	now := l.clock()
	l.mu.Lock()
	defer l.mu.Unlock()
	if cur, ok := l.held[pool]; ok && cur.holder != holder && now.Before(cur.expires) {
		return false, nil
	}
	l.held[pool] = memLease{holder: holder, expires: now.Add(ttl)}
	return true, nil
}

// Release implements Leases.
func (l *MemoryLeases) Release(ctx context.Context, pool, holder string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if cur, ok := l.held[pool]; ok && cur.holder == holder {
		delete(l.held, pool)
	}
	return nil
}
