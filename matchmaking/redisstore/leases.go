package redisstore

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	mm "github.com/skirmishgg/skirmish/matchmaking"
)

// LeasesOptions configures Leases. A nil *LeasesOptions takes the
// defaults.
type LeasesOptions struct {
	// Prefix starts every key; see StoreOptions.Prefix. Default
	// DefaultPrefix.
	Prefix string
}

// Leases are matchmaking.Leases in Redis: one key per pool holding its
// holder's name, expiring with the lease (PX: real time, kept by Redis).
type Leases struct {
	c                redis.UniversalClient
	k                keys
	acquire, release *redis.Script
}

var _ mm.Leases = (*Leases)(nil)

// NewLeases returns leases on c; opts may be nil.
func NewLeases(c redis.UniversalClient, opts *LeasesOptions) *Leases {
	var o LeasesOptions
	if opts != nil {
		o = *opts
	}
	return &Leases{c: c, k: newKeys(o.Prefix), acquire: redis.NewScript(acquireLua), release: redis.NewScript(releaseLua)}
}

// acquireLua takes a free lease (SET NX PX) or extends the caller's own
// (compare-and-extend). Race-free: the script runs alone, so between
// reading the holder and writing, no other matchmaker can take the lease;
// of racing acquirers of a free lease, the first script's SET wins and
// the others read its holder.
//
// KEYS: lease. ARGV: holder, TTL in ms.
const acquireLua = `
local cur = redis.call('GET', KEYS[1])
if not cur then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if cur == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`

// releaseLua deletes the lease only while the caller holds it
// (compare-and-delete): a matchmaker whose lease expired and was taken by
// another never deletes the new holder's lease.
const releaseLua = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`

func (l *Leases) key(pool string) string { return l.k.of("lease", pool) }

// Acquire implements matchmaking.Leases. TTLs are rounded up to whole
// milliseconds.
func (l *Leases) Acquire(ctx context.Context, pool, holder string, ttl time.Duration) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	if holder == "" || ttl <= 0 {
		return false, fmt.Errorf("redisstore: lease of %s: need a holder and a positive TTL", pool)
	}
	ms := (ttl + time.Millisecond - 1).Milliseconds()
	n, err := l.acquire.Run(ctx, l.c, []string{l.key(pool)}, holder, ms).Int()
	if err != nil {
		return false, fmt.Errorf("redisstore: lease of %s: %w", pool, ctxErr(ctx, err))
	}
	return n == 1, nil
}

// Release implements matchmaking.Leases.
func (l *Leases) Release(ctx context.Context, pool, holder string) error {
	if err := l.release.Run(ctx, l.c, []string{l.key(pool)}, holder).Err(); err != nil {
		return fmt.Errorf("redisstore: release lease of %s: %w", pool, ctxErr(ctx, err))
	}
	return nil
}
