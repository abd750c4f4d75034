package matchmaking_test

import (
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/matchmaking"
	"github.com/skirmishgg/skirmish/matchmaking/storetest"
)

// The memory adapters run the shared contract suites; redisstore runs the
// same ones against a real Redis.

func TestMemoryStoreContract(t *testing.T) {
	storetest.RunStore(t, func(*testing.T) matchmaking.Store { return matchmaking.NewMemoryStore() })
}

// 5000 steps stress the memory store's tombstones and compaction.
func TestMemoryStoreModel(t *testing.T) {
	storetest.RunStoreModel(t, matchmaking.NewMemoryStore(), 5000)
}

func TestMemoryDirectoryContract(t *testing.T) {
	storetest.RunDirectory(t, func(_ *testing.T, cfg storetest.DirectoryConfig) matchmaking.Directory {
		return matchmaking.NewMemoryDirectory(&matchmaking.DirectoryOptions{Clock: cfg.Clock, ReservationTTL: cfg.ReservationTTL})
	})
}

func TestMemoryLeasesContract(t *testing.T) {
	storetest.RunLeases(t, func(*testing.T) matchmaking.Leases { return matchmaking.NewMemoryLeases(nil) })
}

func TestMemoryAssignmentBusContract(t *testing.T) {
	storetest.RunAssignmentBus(t, func(*testing.T) matchmaking.AssignmentBus { return matchmaking.NewMemoryAssignmentBus(0) })
}

func TestMemoryResultsContract(t *testing.T) {
	storetest.RunResults(t, func(*testing.T) matchmaking.Results { return matchmaking.NewMemoryResults(0) })
}

// TestMemoryLeasesClock: the memory leases follow their injected clock.
func TestMemoryLeasesClock(t *testing.T) {
	clock := storetest.NewClock()
	l := matchmaking.NewMemoryLeases(clock.Now)
	ctx := t.Context()
	if ok, err := l.Acquire(ctx, "m", "a", time.Second); !ok || err != nil {
		t.Fatal(ok, err)
	}
	clock.Advance(999 * time.Millisecond)
	if ok, _ := l.Acquire(ctx, "m", "b", time.Second); ok {
		t.Fatal("taken before the TTL")
	}
	clock.Advance(time.Millisecond)
	if ok, _ := l.Acquire(ctx, "m", "b", time.Second); !ok {
		t.Fatal("not taken at the TTL")
	}
}

// TestMemoryStreamsBounded: the memory streams keep their newest maxLen
// entries.
func TestMemoryStreamsBounded(t *testing.T) {
	ctx := t.Context()
	b := matchmaking.NewMemoryAssignmentBus(3)
	for _, id := range []string{"a", "b", "c", "d", "e"} {
		if err := b.Publish(ctx, "h", matchmaking.MatchAssignment{MatchID: id}); err != nil {
			t.Fatal(err)
		}
	}
	msgs, _, err := b.Read(ctx, "h", "", 10, 0)
	if err != nil || len(msgs) != 3 || msgs[0].Assignment.MatchID != "c" {
		t.Fatalf("%+v %v", msgs, err)
	}
	r := matchmaking.NewMemoryResults(2)
	for _, id := range []string{"a", "b", "c"} {
		if err := r.Append(ctx, matchmaking.MatchResult{MatchID: id}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := r.Get(ctx, "a"); err == nil {
		t.Fatal("the oldest result is kept")
	}
	if rs, _ := r.Recent(ctx, 10); len(rs) != 2 || rs[0].MatchID != "c" {
		t.Fatalf("recent %+v", rs)
	}
}

func TestMemoryPartiesContract(t *testing.T) {
	storetest.RunParties(t, func(*testing.T) matchmaking.Parties { return matchmaking.NewMemoryParties() })
}
