package redisstore_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	mm "github.com/skirmishgg/skirmish/matchmaking"
	"github.com/skirmishgg/skirmish/matchmaking/redisstore"
	"github.com/skirmishgg/skirmish/matchmaking/storetest"
)

// shared is what the matchmakers of a test share in one Redis.
type shared struct {
	c      *redis.Client
	store  *redisstore.Store
	dir    *redisstore.Directory
	bus    *redisstore.AssignmentBus
	signer *mm.TokenSigner
}

func newShared(t *testing.T) *shared {
	t.Helper()
	c := connect(t, storetest.StartRedis(t, nil))
	signer, err := mm.GenerateTokenSigner(rand.Reader)
	must(t, err)
	sh := &shared{c: c, store: redisstore.NewStore(c, nil), dir: redisstore.NewDirectory(c, nil), bus: redisstore.NewAssignmentBus(c, &redisstore.BusOptions{MaxLen: 100000}), signer: signer}
	must(t, sh.dir.Heartbeat(context.Background(), mm.Host{ID: "h", URL: "ws://h/ws", Capacity: 100000, TTL: time.Minute}))
	return sh
}

// matchmaker makes one matchmaker process on the shared Redis: FFA of 4.
func (sh *shared) matchmaker(t *testing.T, holder string, leases mm.Leases) *mm.Matchmaker {
	t.Helper()
	m, err := mm.New(&mm.Options{
		Modes: []mm.ModeConfig{{Name: "ffa", MaxPlayers: 4}}, Store: sh.store, Directory: sh.dir,
		Leases: leases, Holder: holder, LeaseTTL: time.Second, Assignments: sh.bus, Signer: sh.signer,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	must(t, err)
	return m
}

func enqueueN(t *testing.T, m *mm.Matchmaker, from, n int) {
	t.Helper()
	for i := from; i < from+n; i++ {
		_, err := m.Enqueue(context.Background(), mm.Ticket{
			ID: mm.TicketID(fmt.Sprintf("t%04d", i)), Mode: "ffa", Players: []mm.Player{{ID: fmt.Sprintf("p%04d", i)}},
			Skill: 1500, Regions: []mm.RegionLatency{{Region: "eu", RTT: 20 * time.Millisecond}},
		})
		must(t, err)
	}
}

// checkPublished reads every assignment published to the host and checks
// that no ticket is in two matches, that each published match is what
// its tickets' records say, and that the host holds exactly the seats of
// the published matches (the seats of dropped matches were released).
// It returns the number of matched tickets.
func (sh *shared) checkPublished(t *testing.T) int {
	t.Helper()
	ctx := context.Background()
	msgs, _, err := sh.bus.Read(ctx, "h", "", 100000, 0)
	must(t, err)
	seen := make(map[mm.TicketID]string)
	matches := make(map[string]bool)
	for _, msg := range msgs {
		a := msg.Assignment
		if matches[a.MatchID] {
			t.Fatalf("match %s published twice", a.MatchID)
		}
		matches[a.MatchID] = true
		if len(a.Players) != 4 {
			t.Fatalf("match %s has %d players", a.MatchID, len(a.Players))
		}
		for _, p := range a.Players {
			if other, dup := seen[p.TicketID]; dup {
				t.Fatalf("ticket %s is in matches %s and %s", p.TicketID, other, a.MatchID)
			}
			seen[p.TicketID] = a.MatchID
			rec, err := sh.store.Get(ctx, p.TicketID)
			must(t, err)
			if rec.State != mm.StateAssigned || rec.Assignment.MatchID != a.MatchID {
				t.Fatalf("ticket %s of match %s: record %+v", p.TicketID, a.MatchID, rec)
			}
		}
	}
	hosts, err := sh.dir.Hosts(ctx)
	must(t, err)
	if hosts[0].Reserved != 4*len(matches) {
		t.Fatalf("%d seats reserved for %d matches", hosts[0].Reserved, len(matches))
	}
	return len(seen)
}

// TestMatchmakersShareRedis: two matchmakers on one Redis take tickets
// while they pass; only the lease holder passes the pool; every ticket is
// matched once; when the holder dies without a word, the other takes the
// pool over once the lease's TTL has passed; when Run ends, it gives the
// lease up at once.
func TestMatchmakersShareRedis(t *testing.T) {
	ctx := context.Background()
	sh := newShared(t)
	leases := redisstore.NewLeases(sh.c, nil)
	a, b := sh.matchmaker(t, "a", leases), sh.matchmaker(t, "b", leases)
	ran := map[*mm.Matchmaker]int{}
	var mu sync.Mutex
	pass := func(m *mm.Matchmaker) {
		rep, err := m.RunPass(ctx, time.Now())
		must(t, err)
		if !rep.Pools[0].NotHeld {
			mu.Lock()
			ran[m]++
			mu.Unlock()
		}
	}
	var wg sync.WaitGroup
	wg.Go(func() { enqueueN(t, a, 0, 100) })
	wg.Go(func() { enqueueN(t, b, 100, 100) })
	for _, m := range []*mm.Matchmaker{a, b} {
		wg.Go(func() {
			for range 20 {
				pass(m)
				time.Sleep(5 * time.Millisecond)
			}
		})
	}
	wg.Wait()
	if (ran[a] == 0) == (ran[b] == 0) {
		t.Fatalf("pool passes: a %d, b %d; want one holder", ran[a], ran[b])
	}
	holder, other := a, b
	if ran[b] > 0 {
		holder, other = b, a
	}
	pass(holder) // the last tickets
	if n := sh.checkPublished(t); n != 200 {
		t.Fatalf("%d of 200 tickets matched", n)
	}

	// The holder dies: it neither passes nor releases.
	died := time.Now()
	for ran[other] == 0 {
		if time.Since(died) > 5*time.Second {
			t.Fatal("the other matchmaker never took the pool over")
		}
		time.Sleep(20 * time.Millisecond)
		pass(other)
	}
	if d := time.Since(died); d < 800*time.Millisecond {
		t.Fatalf("taken over after %v, before the lease's TTL", d)
	} else {
		t.Logf("taken over %v after the holder's last renewal", d.Round(time.Millisecond))
	}
	enqueueN(t, other, 200, 8)
	pass(other)
	if n := sh.checkPublished(t); n != 208 {
		t.Fatalf("%d of 208 tickets matched", n)
	}

	// Run gives the lease up when it ends: the first one gets it at once.
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- other.Run(runCtx) }()
	time.Sleep(50 * time.Millisecond)
	cancel()
	<-done
	before := ran[holder]
	pass(holder)
	if ran[holder] != before+1 {
		t.Fatal("the lease was not given up when Run ended")
	}
}

// TestLeaseLapseMidPass: when two matchmakers pass the same pool at once
// (each believes it holds the lease: here each has its own memory
// leases, as when a lease lapses mid-pass), they compute the same
// matches from the same queue, but Store.Finish's compare-and-set lets
// one commit each ticket; the other's matches are dropped and their
// seats released. No ticket is matched twice.
func TestLeaseLapseMidPass(t *testing.T) {
	ctx := context.Background()
	sh := newShared(t)
	a := sh.matchmaker(t, "a", mm.NewMemoryLeases(nil))
	b := sh.matchmaker(t, "b", mm.NewMemoryLeases(nil))
	conflicts, matches := 0, 0
	for round := range 5 {
		enqueueN(t, a, round*80, 80)
		var reps [2]mm.PassReport
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, m := range []*mm.Matchmaker{a, b} {
			wg.Go(func() {
				<-start
				rep, err := m.RunPass(ctx, time.Now())
				must(t, err)
				reps[i] = rep
			})
		}
		close(start)
		wg.Wait()
		for _, r := range reps {
			conflicts += r.Pools[0].Conflicts
			matches += r.Pools[0].Matches
		}
	}
	n := sh.checkPublished(t)
	if n != 4*matches || n > 400 {
		t.Fatalf("%d tickets published for %d committed matches", n, matches)
	}
	t.Logf("%d matches committed, %d dropped by the compare-and-set", matches, conflicts)
}
