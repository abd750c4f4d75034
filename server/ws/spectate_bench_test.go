package ws

import (
	"math/rand/v2"
	"testing"

	"github.com/skirmishgg/skirmish/protocol"
	"github.com/skirmishgg/skirmish/server/match"
)

// spectatorScene is an arena-sized view (16 players, 60 bullets) at
// successive snapshots, everything moving.
func spectatorScene(n int) ([][]protocol.Entity, *protocol.FieldCounts) {
	counts, err := protocol.NewFieldCounts([]protocol.KindSchema{
		{Name: "player", Fields: []string{"x", "y", "aim", "hp", "score", "deaths"}},
		{Name: "bullet", Fields: []string{"x0", "y0", "dir", "tick0", "owner"}},
	})
	if err != nil {
		panic(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	cur := make([]protocol.Entity, 0, 76)
	for id := uint32(1); id <= 16; id++ {
		cur = append(cur, protocol.Entity{ID: id, Fields: [protocol.MaxFields]int32{rng.Int32N(8000), rng.Int32N(8000), 64, 100, 3, 1}})
	}
	for id := uint32(100); id < 160; id++ {
		cur = append(cur, protocol.Entity{ID: id, Kind: 1, Fields: [protocol.MaxFields]int32{rng.Int32N(8000), rng.Int32N(8000), rng.Int32N(65536), 1000, 5}})
	}
	views := make([][]protocol.Entity, n)
	for i := range views {
		views[i] = append([]protocol.Entity(nil), cur...)
		for j := range cur {
			cur[j].Fields[0] += rng.Int32N(50) + 1
			cur[j].Fields[1] -= rng.Int32N(50) + 1
		}
	}
	return views, counts
}

// BenchmarkSpectatorFanout is the CPU cost of one snapshot shown to 100
// spectators of a match, network writes aside: "shared" is the adapter's
// path (one frame, one encode, every spectator takes the same bytes);
// "each" encodes one delta per spectator, as the players' path would.
// ns/spectator-frame × snapshot rate = CPU per spectator-second.
func BenchmarkSpectatorFanout(b *testing.B) {
	const spectators = 100
	scene, counts := spectatorScene(64)
	h := New(nil, nil)
	b.Run("shared", func(b *testing.B) {
		specs := make([]match.Spectator, spectators)
		for i := range specs {
			specs[i] = newSession(h)
		}
		var base *match.View
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			v := match.NewView(uint32(i+1), scene[i%len(scene)], counts, 0)
			h.Audience().Show(v, base, nil, specs)
			for _, sp := range specs {
				s := sp.(*session)
				f := s.takeFrame()
				if len(f.bytes(s.snap.lastFrame)) == 0 {
					b.Fatal("empty frame")
				}
				s.snap.lastFrame = f.view.Tick
				f.release()
				s.frameDone(true)
			}
			if base != nil {
				base.Release()
			}
			base = v
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*spectators), "ns/spectator-frame")
	})
	b.Run("each", func(b *testing.B) {
		bufs := make([][]byte, spectators)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			prev, cur := scene[i%len(scene)], scene[(i+1)%len(scene)]
			for s := range bufs {
				bufs[s] = protocol.AppendSnapshot(bufs[s][:0], uint32(i+2), uint32(i+1), 0, prev, cur, counts)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*spectators), "ns/spectator-frame")
	})
}

// BenchmarkPlayerSnapshots is the CPU cost of encoding one snapshot for
// each of a match's 16 players, interest management off, network writes
// aside: "shared" is the sessions' path (the view encodes the delta body
// once, each player gets its own header in front of a copy); "each"
// encodes the whole delta per player, as the sessions did before. The
// allocations of "shared" are the benchmark's: it makes a new view per
// snapshot, where a match recycles its views and their bodies' memory.
func BenchmarkPlayerSnapshots(b *testing.B) {
	const players = 16
	scene, counts := spectatorScene(64)
	h := New(nil, nil)
	b.Run("shared", func(b *testing.B) {
		sessions := make([]*session, players)
		for i := range sessions {
			sessions[i] = newSession(h)
		}
		var w senderScratch
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			v := match.NewView(uint32(i+1), scene[i%len(scene)], counts, 0)
			for j, s := range sessions {
				if w.buf = s.encode(&w, v, uint32(i*3+j)); len(w.buf) == 0 {
					b.Fatal("empty snapshot")
				}
				v.Retain()
				if s.snap.base != nil {
					s.snap.base.Release()
				}
				s.snap.base = v
			}
			v.Release()
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*players), "ns/player-snapshot")
	})
	b.Run("each", func(b *testing.B) {
		var buf []byte
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			prev, cur := scene[i%len(scene)], scene[(i+1)%len(scene)]
			for j := range players {
				buf = protocol.AppendSnapshot(buf[:0], uint32(i+2), uint32(i+1), uint32(i*3+j), prev, cur, counts)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*players), "ns/player-snapshot")
	})
}
