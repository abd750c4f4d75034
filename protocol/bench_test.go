package protocol

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// Scenes for the benchmarks: a ring of consecutive views, so that a
// benchmark walks through varied data rather than one pair of worlds.

const ringLen = 64

// arenaCounts is the reference arena's schema: players (kind 0) x, y, aim,
// hp, score, deaths; bullets (kind 1) x0, y0, dir, tick0, owner.
var arenaCounts, _ = NewFieldCounts([]KindSchema{
	{Name: "player", Fields: []string{"x", "y", "aim", "hp", "score", "deaths"}},
	{Name: "bullet", Fields: []string{"x0", "y0", "dir", "tick0", "owner"}},
})

// movingScene has 16 players and 60 bullets whose first two fields all
// move by small amounts every snapshot: the worst case of the steady state.
func movingScene() [][]Entity {
	rng := rand.New(rand.NewPCG(5, 6))
	cur := make([]Entity, 0, 76)
	for id := uint32(1); id <= 16; id++ {
		cur = append(cur, Entity{ID: id, Kind: 0, Fields: [MaxFields]int32{rng.Int32N(8000), rng.Int32N(8000), 64, 100, 3, 1}})
	}
	for id := uint32(100); id < 160; id++ {
		cur = append(cur, Entity{ID: id, Kind: 1, Fields: [MaxFields]int32{rng.Int32N(8000), rng.Int32N(8000), rng.Int32N(65536), 1000, 5}})
	}
	ring := make([][]Entity, ringLen)
	for i := range ring {
		ring[i] = slices.Clone(cur)
		for j := range cur {
			for f := range 2 {
				d := rng.Int32N(54) - 27
				if d >= 0 {
					d++ // never 0: every entity changes
				}
				cur[j].Fields[f] += d
			}
		}
	}
	return ring
}

// arenaScene is a realistic arena match seen at 30 snapshots a second:
// players run (at most 27 view units per axis between snapshots), turn, and
// now and then take damage or score; each fires 4 shots a second and a
// bullet lives one second; bullets never change after creation since
// clients extrapolate them.
func arenaScene() [][]Entity {
	rng := rand.New(rand.NewPCG(7, 8))
	type player struct{ vx, vy int32 }
	var players [16]player
	var world []Entity
	for id := uint32(1); id <= 16; id++ {
		world = append(world, Entity{ID: id, Kind: 0, Fields: [MaxFields]int32{rng.Int32N(8000), rng.Int32N(8000), rng.Int32N(256), 100}})
	}
	nextID, tick := uint32(1<<16), int32(0) // the arena numbers bullets from 65536
	var ring [][]Entity
	for snap := range 60 + ringLen {
		tick += 2
		next := world[:0:0]
		for _, e := range world {
			if e.Kind == 1 && tick-e.Fields[3] >= 60 {
				continue // expired
			}
			if e.Kind == 0 {
				p := &players[e.ID-1]
				if rng.IntN(10) == 0 { // change direction now and then
					p.vx, p.vy = rng.Int32N(55)-27, rng.Int32N(55)-27
				}
				e.Fields[0] = min(max(e.Fields[0]+p.vx, 0), 8000)
				e.Fields[1] = min(max(e.Fields[1]+p.vy, 0), 8000)
				if rng.IntN(3) == 0 {
					e.Fields[2] = (e.Fields[2] + rng.Int32N(21) - 10) & 255
				}
				if rng.IntN(30) == 0 {
					e.Fields[3] = max(e.Fields[3]-10, 0)
				}
				if rng.IntN(100) == 0 {
					e.Fields[4]++
				}
			}
			next = append(next, e)
		}
		for id := uint32(1); id <= 16; id++ {
			if rng.IntN(30) < 4 { // 4 shots a second
				p := next[slices.IndexFunc(next, func(e Entity) bool { return e.ID == id })]
				next = append(next, Entity{ID: nextID, Kind: 1,
					Fields: [MaxFields]int32{p.Fields[0], p.Fields[1], rng.Int32N(65536), tick, int32(id)}})
				nextID++
			}
		}
		world = next
		if snap >= 60 { // steady state
			ring = append(ring, world)
		}
	}
	return ring
}

func benchDelta(b *testing.B, ring [][]Entity, counts *FieldCounts) {
	buf := make([]byte, 0, 8192)
	total := 0
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for ; b.Loop(); n++ {
		k := n % (ringLen - 1)
		buf = AppendSnapshot(buf[:0], uint32(k+2), uint32(k+1), 1, ring[k], ring[k+1], counts)
		total += len(buf)
	}
	b.ReportMetric(float64(total)/float64(n), "bytes/snapshot")
}

func benchFull(b *testing.B, ring [][]Entity, counts *FieldCounts) {
	buf := make([]byte, 0, 8192)
	total := 0
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for ; b.Loop(); n++ {
		buf = AppendSnapshot(buf[:0], 1, 0, 1, nil, ring[n%ringLen], counts)
		total += len(buf)
	}
	b.ReportMetric(float64(total)/float64(n), "bytes/snapshot")
}

func benchDecodeApply(b *testing.B, ring [][]Entity, counts *FieldCounts) {
	// The client's views and the encoded deltas between them.
	views := make([][]Entity, ringLen)
	msgs := make([][]byte, ringLen-1)
	for k := range ring {
		views[k] = wireView(ring[k], counts)
		if k > 0 {
			msgs[k-1] = AppendSnapshot(nil, uint32(k+1), uint32(k), 1, ring[k-1], ring[k], counts)
		}
	}
	var s Snapshot
	dst := make([]Entity, 0, 256)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		k := i % (ringLen - 1)
		if err := s.Decode(msgs[k]); err != nil {
			b.Fatal(err)
		}
		var err error
		if dst, err = Apply(dst, views[k], &s); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendSnapshotDelta(b *testing.B) { benchDelta(b, movingScene(), arenaCounts) }
func BenchmarkAppendSnapshotFull(b *testing.B)  { benchFull(b, movingScene(), arenaCounts) }
func BenchmarkDecodeApplySnapshot(b *testing.B) { benchDecodeApply(b, movingScene(), arenaCounts) }
func BenchmarkArenaSnapshotDelta(b *testing.B)  { benchDelta(b, arenaScene(), arenaCounts) }
func BenchmarkArenaSnapshotFull(b *testing.B)   { benchFull(b, arenaScene(), arenaCounts) }
func BenchmarkArenaDecodeApply(b *testing.B)    { benchDecodeApply(b, arenaScene(), arenaCounts) }

func BenchmarkDecodeInput(b *testing.B) {
	msg := (&Input{Seq: 123456, Ack: 654321, MoveX: -127, MoveY: 90, Aim: 40000, Buttons: 1, View: 654310}).Append(nil)
	var in Input
	b.ReportAllocs()
	for b.Loop() {
		if err := in.Decode(msg); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAppendInput(b *testing.B) {
	in := Input{Seq: 123456, Ack: 654321, MoveX: -127, MoveY: 90, Aim: 40000, Buttons: 1, View: 654310}
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		buf = in.Append(buf[:0])
	}
}

func BenchmarkPeekType(b *testing.B) {
	msg := (&Input{Seq: 1}).Append(nil)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PeekType(msg); err != nil {
			b.Fatal(err)
		}
	}
}

// TestScenes keeps the benchmark scenes honest: every delta applies, and in
// the moving scene every entity changes.
func TestScenes(t *testing.T) {
	for name, ring := range map[string][][]Entity{"moving": movingScene(), "arena": arenaScene()} {
		if len(ring) != ringLen {
			t.Fatalf("%s: %d views", name, len(ring))
		}
		for k := 1; k < ringLen; k++ {
			s := decodeSnapshot(t, AppendSnapshot(nil, uint32(k+1), uint32(k), 1, ring[k-1], ring[k], arenaCounts))
			if name == "moving" && (len(s.Changed) != 76 || len(s.Created)+len(s.Removed) != 0) {
				t.Fatalf("moving: %d changed, %d created, %d removed", len(s.Changed), len(s.Created), len(s.Removed))
			}
			got, err := Apply(nil, wireView(ring[k-1], arenaCounts), s)
			if err != nil || !slices.Equal(got, wireView(ring[k], arenaCounts)) {
				t.Fatalf("%s %d: %v", name, k, err)
			}
		}
	}
}
