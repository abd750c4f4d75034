package matchmaking

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// benchNow is the fixed "now" of generated pools.
var benchNow = time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)

// benchMode is a 5v5 team mode: parties of up to 4 fit a team.
func benchMode() ModeConfig {
	return ModeConfig{Name: "5v5", MaxPlayers: 10, MinPlayers: 8, Teams: 2}
}

// genPool makes n realistic waiting tickets: parties of 1-4 (mostly solo),
// skills normal(1500, 300), three regions with random round trips (a near
// home region, farther others), creation times spread over the last 60s.
func genPool(seed uint64, n int, now time.Time) []Ticket {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	regions := []string{"eu-west", "us-east", "ap-south"}
	ts := make([]Ticket, n)
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
		players := make([]Player, size)
		for j := range players {
			players[j] = Player{ID: fmt.Sprintf("p%d-%d", i, j)}
		}
		home := rng.IntN(len(regions))
		rl := make([]RegionLatency, len(regions))
		for j, r := range regions {
			rtt := 60 + rng.IntN(200)
			if j == home {
				rtt = 10 + rng.IntN(70)
			}
			rl[j] = RegionLatency{Region: r, RTT: time.Duration(rtt) * time.Millisecond}
		}
		ts[i] = Ticket{
			ID:        TicketID(fmt.Sprintf("t%07d", i)),
			Mode:      "5v5",
			Players:   players,
			Skill:     1500 + 300*rng.NormFloat64(),
			Regions:   rl,
			CreatedAt: now.Add(-time.Duration(rng.Int64N(int64(60 * time.Second)))),
		}
	}
	sortTickets(ts)
	return ts
}

func benchPass(b *testing.B, n int) {
	in := PassInput{Now: benchNow, Mode: benchMode(), Tickets: genPool(1, n, benchNow)}
	b.ReportAllocs()
	b.ResetTimer()
	var matched int
	for b.Loop() {
		out := Pass(in)
		matched = 0
		for _, m := range out.Matches {
			matched += len(m.Tickets)
		}
		matched += len(out.Backfills)
	}
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(n)/sec, "tickets/s")
	b.ReportMetric(float64(matched)/sec, "matched/s")
	b.ReportMetric(float64(matched)/float64(n)*100, "%matched")
}

func BenchmarkPass10k(b *testing.B)  { benchPass(b, 10_000) }
func BenchmarkPass100k(b *testing.B) { benchPass(b, 100_000) }

// BenchmarkRunPass10k is the whole service pass over 10,000 fresh tickets:
// snapshot, Pass, host allocation, one Ed25519 token per player, commit.
// Signing dominates: it is the cost of a burst where everything matches.
func BenchmarkRunPass10k(b *testing.B) {
	ctx := context.Background()
	tickets := genPool(1, 10_000, benchNow)
	b.ReportAllocs()
	var assigned uint64
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		clock := &fakeClock{t: benchNow}
		mm, err := New(&Options{Modes: []ModeConfig{benchMode()}, Clock: clock.Now})
		if err != nil {
			b.Fatal(err)
		}
		if err := mm.Directory().Heartbeat(ctx, Host{ID: "local", URL: "ws://local/ws", Capacity: 1 << 30}); err != nil {
			b.Fatal(err)
		}
		for _, t := range tickets {
			if _, err := mm.Enqueue(ctx, t); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		if _, err := mm.RunPass(ctx, benchNow); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		st, _ := mm.Stats(ctx)
		assigned = st.Pools[0].Assigned
	}
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(assigned)/sec, "assigned/s")
}
