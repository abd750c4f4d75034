package match

import (
	"math/rand/v2"
	"testing"

	"github.com/skirmishgg/skirmish/protocol"
)

// arenaScene is 64 successive views of an arena-sized match (16 players,
// 60 bullets, positions in view units over an 8000-unit square, as the
// default 2000-unit arena), everything moving, each with its interest
// grid for cfg.
func arenaScene(cfg *Interest) []*View {
	rng := rand.New(rand.NewPCG(5, 6))
	cur := make([]protocol.Entity, 0, 76)
	for id := uint32(1); id <= 16; id++ {
		x, y := rng.Int32N(8000), rng.Int32N(8000)
		cur = append(cur, protocol.Entity{ID: id, X: x, Y: y, Fields: [protocol.MaxFields]int32{x, y, 100}})
	}
	for id := uint32(1 << 20); id < 1<<20+60; id++ {
		x, y := rng.Int32N(8000), rng.Int32N(8000)
		cur = append(cur, protocol.Entity{ID: id, X: x, Y: y, Fields: [protocol.MaxFields]int32{x, y, 1}})
	}
	views := make([]*View, 64)
	for i := range views {
		views[i] = NewView(uint32(i+1), append([]protocol.Entity(nil), cur...), interestCounts, cfg.Cell)
		for j := range cur {
			cur[j].X = (cur[j].X + rng.Int32N(60) + 1) % 8000
			cur[j].Y = (cur[j].Y + 8000 - rng.Int32N(60) - 1) % 8000
			cur[j].Fields[0], cur[j].Fields[1] = cur[j].X, cur[j].Y
		}
	}
	return views
}

// BenchmarkInterestSnapshot is a player's share of a snapshot with
// interest management on (the loadbench's 2000x1200 view): its filter,
// then its own delta. ns/client-snapshot × 20 is the CPU per client-second.
func BenchmarkInterestSnapshot(b *testing.B) {
	cfg := (&Interest{HalfWidth: 4000, HalfHeight: 2400}).WithDefaults()
	views := arenaScene(cfg)
	filters := make([]*Filter, 16)
	for i := range filters {
		filters[i] = NewFilter(cfg)
	}
	var sc FilterScratch
	var buf []byte
	b.ReportAllocs()
	n := 0
	for i := 0; b.Loop(); i++ {
		v, base := views[i%len(views)], views[(i+len(views)-1)%len(views)]
		if i == 0 {
			base = nil
		}
		for p, f := range filters {
			from, to := f.Filter(&sc, base, v, uint32(p+1))
			baseTick := uint32(0)
			if base != nil {
				baseTick = base.Tick
				if from == nil {
					from = to[:0]
				}
			}
			buf = protocol.AppendSnapshot(buf[:0], v.Tick, baseTick, 0, from, to, v.Counts)
			n++
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/client-snapshot")
}
