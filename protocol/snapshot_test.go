package protocol

import (
	"bytes"
	"cmp"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// testCounts is a schema with kinds of 0 to MaxFields fields.
var testCounts = func() *FieldCounts {
	kinds := make([]KindSchema, MaxFields+1)
	for i := range kinds {
		kinds[i].Fields = make([]string, i)
	}
	c, err := NewFieldCounts(kinds)
	if err != nil {
		panic(err)
	}
	return c
}()

func randomField(rng *rand.Rand) int32 {
	switch rng.IntN(6) {
	case 0:
		return 0
	case 1:
		return int32(rng.IntN(64)) - 32
	case 2:
		return []int32{math.MinInt32, math.MaxInt32, math.MinInt32 + 1, math.MaxInt32 - 1}[rng.IntN(4)]
	case 3:
		return int32(rng.Uint32())
	}
	return int32(rng.IntN(8001))
}

// randomEntity fills every field and X, Y with noise: only the kind's
// fields may reach the wire.
func randomEntity(rng *rand.Rand, id uint32) Entity {
	e := Entity{ID: id, Kind: uint8(rng.IntN(MaxFields + 1)), X: int32(rng.Uint32()), Y: int32(rng.Uint32())}
	for i := range e.Fields {
		e.Fields[i] = randomField(rng)
	}
	return e
}

func randomWorld(rng *rand.Rand, n int) []Entity {
	ids := map[uint32]bool{}
	for len(ids) < n {
		if rng.IntN(4) == 0 {
			ids[rng.Uint32()] = true
		} else {
			ids[uint32(rng.IntN(4*n+1))] = true
		}
	}
	w := make([]Entity, 0, n)
	for id := range ids {
		w = append(w, randomEntity(rng, id))
	}
	slices.SortFunc(w, func(a, b Entity) int { return cmp.Compare(a.ID, b.ID) })
	return w
}

// evolve derives a next world from w: entities kept, moved a little or a
// lot, changed kind, removed, and new ones.
func evolve(rng *rand.Rand, w []Entity) []Entity {
	next := randomWorld(rng, rng.IntN(8)) // newcomers, possibly reusing IDs
	for _, e := range w {
		switch rng.IntN(8) {
		case 0: // removed
			continue
		case 1: // new kind, same ID
			e = randomEntity(rng, e.ID)
		case 2, 3: // small moves
			for i := range e.Fields {
				if rng.IntN(2) == 0 {
					e.Fields[i] += int32(rng.IntN(55)) - 27
				}
			}
		case 4: // anything
			e.Fields[rng.IntN(MaxFields)] = randomField(rng)
		}
		e.X, e.Y = int32(rng.Uint32()), int32(rng.Uint32())
		next = append(next, e)
	}
	slices.SortStableFunc(next, func(a, b Entity) int { return cmp.Compare(a.ID, b.ID) })
	return slices.CompactFunc(next, func(a, b Entity) bool { return a.ID == b.ID })
}

// wireView is what a client sees of w: X, Y and the fields past the kind's
// count are not sent.
func wireView(w []Entity, counts *FieldCounts) []Entity {
	v := make([]Entity, len(w))
	for i, e := range w {
		v[i] = Entity{ID: e.ID, Kind: e.Kind}
		n := fieldCount(counts, e.Kind)
		copy(v[i].Fields[:n], e.Fields[:n])
	}
	return v
}

func decodeSnapshot(t testing.TB, b []byte) *Snapshot {
	t.Helper()
	var s Snapshot
	if err := s.Decode(b); err != nil {
		t.Fatalf("decode: %v", err)
	}
	// Snapshot.Append re-encodes it to something that decodes the same.
	var again Snapshot
	if err := again.Decode(s.Append(nil)); err != nil || !sameMessage(&again, &s) {
		t.Fatalf("re-encoded snapshot: %v\n got %+v\nwant %+v", err, again, s)
	}
	return &s
}

func TestSnapshotProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	rounds := 3000
	if testing.Short() {
		rounds = 300
	}
	var buf, parts []byte
	var dst []Entity
	for round := range rounds {
		var a, b []Entity
		size := []int{0, 1, 5, 20, 80, 300}[rng.IntN(6)]
		a = randomWorld(rng, size)
		if rng.IntN(5) == 0 {
			b = randomWorld(rng, rng.IntN(size+2))
		} else {
			b = evolve(rng, a)
		}
		want := wireView(b, testCounts)
		client := wireView(a, testCounts) // what the client holds at tick 7

		buf = AppendSnapshot(buf[:0], 8, 7, 99, a, b, testCounts)
		// A shared body behind a header of one's own is the same message.
		parts = AppendSnapshotBody(AppendSnapshotHeader(parts[:0], 8, 7, 99), a, b, testCounts)
		if !bytes.Equal(parts, buf) {
			t.Fatalf("round %d: header+body %x, AppendSnapshot %x", round, parts, buf)
		}
		s := decodeSnapshot(t, buf)
		if s.Tick != 8 || s.Base != 7 || s.LastSeq != 99 {
			t.Fatalf("round %d: header %d %d %d", round, s.Tick, s.Base, s.LastSeq)
		}
		var err error
		dst, err = Apply(dst, client, s)
		if err != nil {
			t.Fatalf("round %d: apply delta: %v", round, err)
		}
		if !slices.Equal(dst, want) {
			t.Fatalf("round %d: delta applied\n got %v\nwant %v", round, dst, want)
		}

		buf = AppendSnapshot(buf[:0], 8, 0, 99, nil, b, testCounts)
		s = decodeSnapshot(t, buf)
		if s.Base != 0 || len(s.Changed) != 0 || len(s.Removed) != 0 {
			t.Fatalf("round %d: full snapshot with base %d, %d changed, %d removed", round, s.Base, len(s.Changed), len(s.Removed))
		}
		dst, err = Apply(dst, randomWorld(rng, rng.IntN(10)), s)
		if err != nil {
			t.Fatalf("round %d: apply full: %v", round, err)
		}
		if !slices.Equal(dst, want) {
			t.Fatalf("round %d: full applied\n got %v\nwant %v", round, dst, want)
		}
	}
}

func TestAppendSnapshotSections(t *testing.T) {
	counts, _ := NewFieldCounts([]KindSchema{{Fields: []string{"x", "y"}}, {Fields: []string{"a"}}})
	base := []Entity{
		{ID: 1, Kind: 0, Fields: [MaxFields]int32{10, 20}},
		{ID: 2, Kind: 0, Fields: [MaxFields]int32{10, 20}},
		{ID: 3, Kind: 1, Fields: [MaxFields]int32{5}},
		{ID: 4, Kind: 0, Fields: [MaxFields]int32{1, 1, 99}},
	}
	cur := []Entity{
		{ID: 1, Kind: 0, Fields: [MaxFields]int32{10, 20}, X: 5}, // unchanged: X is not sent
		{ID: 2, Kind: 0, Fields: [MaxFields]int32{9, 84}},        // changed
		{ID: 3, Kind: 0, Fields: [MaxFields]int32{5, 6}},         // kind changed
		{ID: 4, Kind: 0, Fields: [MaxFields]int32{1, 1, 100}},    // field 2 is not sent
		{ID: 6, Kind: 1, Fields: [MaxFields]int32{-7, 3}},        // created
	}
	s := decodeSnapshot(t, AppendSnapshot(nil, 11, 10, 5, base, cur, counts))
	want := &Snapshot{Tick: 11, Base: 10, LastSeq: 5,
		Created: []Entity{{ID: 3, Kind: 0, Fields: [MaxFields]int32{5, 6}}, {ID: 6, Kind: 1, Fields: [MaxFields]int32{-7}}},
		Changed: []Changed{{ID: 2, Mask: 3, Deltas: [MaxFields]int32{-1, 64}}},
		Removed: []uint32{3},
	}
	if !sameMessage(s, want) {
		t.Errorf("got  %+v\nwant %+v", s, want)
	}

	// Nothing changed: three empty sections.
	if b := AppendSnapshot(nil, 11, 10, 5, base, base, counts); !reflect.DeepEqual(b, unhex(t, "97040b0a05909090")) {
		t.Errorf("no-change snapshot %x", b)
	}
	// A nil base, or a base at tick 0, is a full snapshot.
	for _, tt := range []struct {
		baseTick uint32
		base     []Entity
	}{{10, nil}, {0, base}} {
		s := decodeSnapshot(t, AppendSnapshot(nil, 11, tt.baseTick, 5, tt.base, cur, counts))
		if s.Base != 0 || len(s.Created) != len(cur) || len(s.Changed) != 0 || len(s.Removed) != 0 {
			t.Errorf("base tick %d, base %v: got %+v, want a full snapshot", tt.baseTick, tt.base != nil, s)
		}
	}
	// An empty, non-nil base is a delta that creates everything.
	s = decodeSnapshot(t, AppendSnapshot(nil, 11, 10, 5, []Entity{}, cur, counts))
	if s.Base != 10 || len(s.Created) != len(cur) {
		t.Errorf("empty base: %+v", s)
	}
}

func TestAppendSnapshotAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	a := randomWorld(rng, 200)
	b := evolve(rng, a)
	buf := make([]byte, 0, 64<<10)
	if allocs := testing.AllocsPerRun(50, func() { buf = AppendSnapshot(buf[:0], 2, 1, 1, a, b, testCounts) }); allocs != 0 {
		t.Errorf("AppendSnapshot delta: %v allocations", allocs)
	}
	if allocs := testing.AllocsPerRun(50, func() { buf = AppendSnapshot(buf[:0], 2, 0, 1, nil, b, testCounts) }); allocs != 0 {
		t.Errorf("AppendSnapshot full: %v allocations", allocs)
	}
	buf = AppendSnapshot(buf[:0], 2, 1, 1, a, b, testCounts)
	var s Snapshot
	dst := make([]Entity, 0, len(a)+len(b))
	client := wireView(a, testCounts)
	if allocs := testing.AllocsPerRun(50, func() {
		if err := s.Decode(buf); err != nil {
			t.Fatal(err)
		}
		var err error
		if dst, err = Apply(dst, client, &s); err != nil {
			t.Fatal(err)
		}
	}); allocs != 0 {
		t.Errorf("decode and apply: %v allocations", allocs)
	}
}

func TestApplyErrors(t *testing.T) {
	e := func(id uint32) Entity { return Entity{ID: id, Fields: [MaxFields]int32{int32(id)}} }
	base := []Entity{e(2), e(4), e(6)}
	ch := func(id uint32) Changed { return Changed{ID: id, Mask: 1, Deltas: [MaxFields]int32{1}} }
	tests := []struct {
		name string
		s    Snapshot
	}{
		{"changed ID missing", Snapshot{Base: 1, Changed: []Changed{ch(3)}}},
		{"changed ID past the end", Snapshot{Base: 1, Changed: []Changed{ch(7)}}},
		{"changed ID before the start", Snapshot{Base: 1, Changed: []Changed{ch(1)}}},
		{"removed ID missing", Snapshot{Base: 1, Removed: []uint32{5}}},
		{"removed ID past the end", Snapshot{Base: 1, Removed: []uint32{6, 9}}},
		{"created ID present", Snapshot{Base: 1, Created: []Entity{e(4)}}},
		{"created ID present and changed", Snapshot{Base: 1, Created: []Entity{e(4)}, Changed: []Changed{ch(4)}}},
		{"changed and removed", Snapshot{Base: 1, Changed: []Changed{ch(4)}, Removed: []uint32{4}}},
		{"created out of order", Snapshot{Base: 1, Created: []Entity{e(9), e(8)}}},
		{"created twice", Snapshot{Base: 1, Created: []Entity{e(8), e(8)}}},
		{"changed out of order", Snapshot{Base: 1, Changed: []Changed{ch(4), ch(2)}}},
		{"changed twice", Snapshot{Base: 1, Changed: []Changed{ch(4), ch(4)}}},
		{"removed out of order", Snapshot{Base: 1, Removed: []uint32{4, 2}}},
		{"removed twice", Snapshot{Base: 1, Removed: []uint32{2, 2}}},
		{"full snapshot with changes", Snapshot{Base: 0, Created: []Entity{e(2)}, Changed: []Changed{ch(2)}}},
		{"full snapshot with removals", Snapshot{Base: 0, Removed: []uint32{2}}},
	}
	for _, tt := range tests {
		dst, err := Apply(make([]Entity, 0, 8), base, &tt.s)
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err %v, want ErrMalformed", tt.name, err)
		}
		if len(dst) != 0 {
			t.Errorf("%s: %d entities returned with the error", tt.name, len(dst))
		}
	}

	// And what fits.
	s := Snapshot{Base: 1,
		Created: []Entity{e(1), {ID: 4, Kind: 2}, e(9)},
		Changed: []Changed{ch(2)},
		Removed: []uint32{4, 6}}
	got, err := Apply(nil, base, &s)
	want := []Entity{e(1), {ID: 2, Fields: [MaxFields]int32{3}}, {ID: 4, Kind: 2}, e(9)}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("Apply = %v, %v; want %v", got, err, want)
	}
	// Deltas wrap around int32 to land on the new value.
	wrap := Snapshot{Base: 1, Changed: []Changed{{ID: 2, Mask: 1, Deltas: [MaxFields]int32{math.MaxInt32}}}}
	big := []Entity{{ID: 2, Fields: [MaxFields]int32{math.MaxInt32}}}
	if got, err := Apply(nil, big, &wrap); err != nil || got[0].Fields[0] != -2 {
		t.Errorf("wrapping delta: %v, %v", got, err)
	}
}
