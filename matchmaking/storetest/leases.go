package storetest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	mm "github.com/skirmishgg/skirmish/matchmaking"
)

// RunLeases runs the Leases contract on the real clock (leases measure
// the liveness of processes): newLeases returns fresh leases for each
// subtest. It sleeps about 3 s in all.
func RunLeases(t *testing.T, newLeases func(t *testing.T) mm.Leases) {
	t.Run("Exclusive", func(t *testing.T) { leasesExclusive(t, newLeases(t)) })
	t.Run("Expires", func(t *testing.T) { leasesExpire(t, newLeases(t)) })
	t.Run("RenewExtends", func(t *testing.T) { leasesRenew(t, newLeases(t)) })
	t.Run("Race", func(t *testing.T) { leasesRace(t, newLeases(t)) })
	t.Run("BadArguments", func(t *testing.T) { leasesBad(t, newLeases(t)) })
}

func acquire(t *testing.T, l mm.Leases, pool, holder string, ttl time.Duration) bool {
	t.Helper()
	ok, err := l.Acquire(context.Background(), pool, holder, ttl)
	must(t, err)
	return ok
}

func leasesExclusive(t *testing.T, l mm.Leases) {
	ctx := context.Background()
	if !acquire(t, l, "m", "a", time.Minute) {
		t.Fatal("a free lease refused")
	}
	if acquire(t, l, "m", "b", time.Minute) {
		t.Fatal("a held lease granted to another holder")
	}
	if !acquire(t, l, "m", "a", time.Minute) {
		t.Fatal("renewal refused")
	}
	if !acquire(t, l, "duel", "b", time.Minute) {
		t.Fatal("another pool's lease refused")
	}
	must(t, l.Release(ctx, "m", "b")) // not b's: nothing happens
	if acquire(t, l, "m", "b", time.Minute) {
		t.Fatal("released by a non-holder")
	}
	must(t, l.Release(ctx, "m", "a"))
	if !acquire(t, l, "m", "b", time.Minute) {
		t.Fatal("a released lease refused")
	}
	must(t, l.Release(ctx, "never", "a"))
}

func leasesExpire(t *testing.T, l mm.Leases) {
	const ttl = 300 * time.Millisecond
	start := time.Now()
	if !acquire(t, l, "m", "a", ttl) {
		t.Fatal("a free lease refused")
	}
	for !acquire(t, l, "m", "b", time.Minute) {
		if time.Since(start) > 5*time.Second {
			t.Fatal("the lease never expired")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if d := time.Since(start); d < ttl-50*time.Millisecond {
		t.Fatalf("taken over after %v, before the TTL %v", d, ttl)
	}
	if acquire(t, l, "m", "a", ttl) {
		t.Fatal("the expired holder took it back")
	}
}

func leasesRenew(t *testing.T, l mm.Leases) {
	const ttl = time.Second
	if !acquire(t, l, "m", "a", ttl) {
		t.Fatal("a free lease refused")
	}
	time.Sleep(ttl * 6 / 10)
	if !acquire(t, l, "m", "a", ttl) {
		t.Fatal("renewal refused")
	}
	time.Sleep(ttl * 6 / 10) // past the first TTL, within the renewed one
	if acquire(t, l, "m", "b", ttl) {
		t.Fatal("a renewed lease expired with its first TTL")
	}
}

func leasesRace(t *testing.T, l mm.Leases) {
	for round := range 10 {
		pool := fmt.Sprint("pool", round)
		var won atomic.Int32
		race(racers, func(i int) {
			ok, err := l.Acquire(context.Background(), pool, fmt.Sprint("holder", i), time.Minute)
			if err != nil {
				t.Error(err)
			}
			if ok {
				won.Add(1)
			}
		})
		if won.Load() != 1 {
			t.Fatalf("round %d: %d holders", round, won.Load())
		}
	}
}

func leasesBad(t *testing.T, l mm.Leases) {
	ctx := context.Background()
	if _, err := l.Acquire(ctx, "m", "", time.Minute); err == nil {
		t.Fatal("acquired without a holder")
	}
	if _, err := l.Acquire(ctx, "m", "a", 0); err == nil {
		t.Fatal("acquired without a TTL")
	}
	ended, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := l.Acquire(ended, "m", "a", time.Minute); err == nil {
		t.Fatal("acquired on an ended context")
	}
}
