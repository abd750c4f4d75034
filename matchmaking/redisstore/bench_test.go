package redisstore_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	mm "github.com/skirmishgg/skirmish/matchmaking"
	"github.com/skirmishgg/skirmish/matchmaking/redisstore"
	"github.com/skirmishgg/skirmish/matchmaking/storetest"
)

var benchNow = time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)

// genTickets makes n waiting 5v5 tickets like the matchmaking package's
// benchmark pool: parties of 1-4 (mostly solo), skills normal(1500, 300),
// three regions, creation times over the last 60 s.
func genTickets(n int) []mm.Ticket {
	rng := rand.New(rand.NewPCG(1, 0x5eed))
	regions := []string{"eu-west", "us-east", "ap-south"}
	ts := make([]mm.Ticket, n)
	for i := range ts {
		size := 1
		switch x := rng.IntN(100); {
		case x >= 92:
			size = 4
		case x >= 80:
			size = 3
		case x >= 55:
			size = 2
		}
		players := make([]mm.Player, size)
		for j := range players {
			players[j] = mm.Player{ID: fmt.Sprintf("p%d-%d", i, j)}
		}
		home := rng.IntN(len(regions))
		rl := make([]mm.RegionLatency, len(regions))
		for j, r := range regions {
			rtt := 60 + rng.IntN(200)
			if j == home {
				rtt = 10 + rng.IntN(70)
			}
			rl[j] = mm.RegionLatency{Region: r, RTT: time.Duration(rtt) * time.Millisecond}
		}
		ts[i] = mm.Ticket{
			ID: mm.TicketID(fmt.Sprintf("t%07d", i)), Mode: "5v5", Players: players,
			Skill: 1500 + 300*rng.NormFloat64(), Regions: rl,
			CreatedAt: benchNow.Add(-time.Duration(rng.Int64N(int64(60 * time.Second)))),
		}
	}
	return ts
}

// BenchmarkRunPass10k is the matchmaker's whole pass over 10 000 fresh
// tickets (snapshot, Pass, one allocation per match, an Ed25519 token per
// player, one Finish per match) with the queue and the host directory in
// memory and in Redis. Enqueueing is outside the timer.
func BenchmarkRunPass10k(b *testing.B) {
	if testing.Short() {
		b.Skip("10 000 tickets over Redis: not with -short")
	}
	tickets := genTickets(10_000)
	b.Run("memory", func(b *testing.B) {
		benchRunPass(b, tickets, func(int) (mm.Store, mm.Directory) {
			return mm.NewMemoryStore(), mm.NewMemoryDirectory(nil)
		}, nil)
	})
	b.Run("redis", func(b *testing.B) {
		c := connect(b, storetest.StartRedis(b, nil))
		benchRunPass(b, tickets, func(i int) (mm.Store, mm.Directory) {
			p := fmt.Sprint("bench", i)
			return redisstore.NewStore(c, &redisstore.StoreOptions{Prefix: p}), redisstore.NewDirectory(c, &redisstore.DirectoryOptions{Prefix: p})
		}, func() { c.FlushDB(context.Background()) })
	})
}

func benchRunPass(b *testing.B, tickets []mm.Ticket, open func(i int) (mm.Store, mm.Directory), reset func()) {
	ctx := context.Background()
	b.ReportAllocs()
	var assigned uint64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		store, dir := open(i)
		m, err := mm.New(&mm.Options{
			Modes: []mm.ModeConfig{{Name: "5v5", MaxPlayers: 10, MinPlayers: 8, Teams: 2}},
			Clock: func() time.Time { return benchNow }, Store: store, Directory: dir,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		})
		must(b, err)
		must(b, dir.Heartbeat(ctx, mm.Host{ID: "local", URL: "ws://local/ws", Capacity: 1 << 30}))
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Go(func() {
				for j := w; j < len(tickets); j += 8 {
					if _, err := m.Enqueue(ctx, tickets[j]); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
		b.StartTimer()
		if _, err := m.RunPass(ctx, benchNow); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		st, err := m.Stats(ctx)
		must(b, err)
		assigned += st.Pools[0].Assigned
		if reset != nil {
			reset()
		}
	}
	b.ReportMetric(float64(assigned)/b.Elapsed().Seconds(), "assigned/s")
}

// BenchmarkQueued10k is the snapshot a pass starts with: 10 000 queued
// tickets read back.
func BenchmarkQueued10k(b *testing.B) {
	if testing.Short() {
		b.Skip("10 000 tickets over Redis: not with -short")
	}
	ctx := context.Background()
	tickets := genTickets(10_000)
	c := connect(b, storetest.StartRedis(b, nil))
	for _, tc := range []struct {
		name  string
		store mm.Store
	}{
		{"memory", mm.NewMemoryStore()},
		{"redis", redisstore.NewStore(c, nil)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for _, t := range tickets {
				must(b, tc.store.Add(ctx, t))
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				q, err := tc.store.Queued(ctx, "5v5")
				if err != nil || len(q) != len(tickets) {
					b.Fatal(len(q), err)
				}
			}
		})
	}
}

// BenchmarkTwoMatchmakers10k is a pass over 10 000 tickets in two pools
// (5 000 each) on Redis: one matchmaker passing both, against two
// matchmakers passing one pool each at the same time (each holds one
// pool's lease, as they would after settling).
func BenchmarkTwoMatchmakers10k(b *testing.B) {
	if testing.Short() {
		b.Skip("10 000 tickets over Redis: not with -short")
	}
	tickets := genTickets(10_000)
	for i := range tickets {
		tickets[i].Mode = []string{"a", "b"}[i%2]
	}
	c := connect(b, storetest.StartRedis(b, nil))
	for _, n := range []int{1, 2} {
		b.Run(fmt.Sprintf("%d-matchmakers", n), func(b *testing.B) {
			ctx := context.Background()
			b.ReportAllocs()
			var assigned uint64
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				prefix := fmt.Sprintf("two%d-%d", n, i)
				store := redisstore.NewStore(c, &redisstore.StoreOptions{Prefix: prefix})
				dir := redisstore.NewDirectory(c, &redisstore.DirectoryOptions{Prefix: prefix})
				leases := redisstore.NewLeases(c, &redisstore.LeasesOptions{Prefix: prefix})
				modes := []mm.ModeConfig{{Name: "a", MaxPlayers: 10, MinPlayers: 8, Teams: 2}, {Name: "b", MaxPlayers: 10, MinPlayers: 8, Teams: 2}}
				signer, err := mm.GenerateTokenSigner(nil)
				must(b, err)
				var ms []*mm.Matchmaker
				for k := range n {
					m, err := mm.New(&mm.Options{
						Modes: modes, Clock: func() time.Time { return benchNow }, Store: store, Directory: dir,
						Leases: leases, Holder: fmt.Sprint("mm", k), Signer: signer, LeaseTTL: time.Minute,
						Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
					})
					must(b, err)
					ms = append(ms, m)
				}
				// Settle the leases: one pool each with two matchmakers.
				for k, pool := range []string{"a", "b"} {
					if _, err := leases.Acquire(ctx, pool, fmt.Sprint("mm", k%n), time.Minute); err != nil {
						b.Fatal(err)
					}
				}
				must(b, dir.Heartbeat(ctx, mm.Host{ID: "local", URL: "ws://local/ws", Capacity: 1 << 30}))
				var wg sync.WaitGroup
				for w := range 8 {
					wg.Go(func() {
						for j := w; j < len(tickets); j += 8 {
							if _, err := ms[0].Enqueue(ctx, tickets[j]); err != nil {
								b.Error(err)
								return
							}
						}
					})
				}
				wg.Wait()
				b.StartTimer()
				for _, m := range ms {
					wg.Go(func() {
						if _, err := m.RunPass(ctx, benchNow); err != nil {
							b.Error(err)
						}
					})
				}
				wg.Wait()
				b.StopTimer()
				for _, m := range ms {
					st, err := m.Stats(ctx)
					must(b, err)
					for _, p := range st.Pools {
						assigned += p.Assigned
					}
				}
				c.FlushDB(ctx)
			}
			b.ReportMetric(float64(assigned)/b.Elapsed().Seconds(), "assigned/s")
		})
	}
}
