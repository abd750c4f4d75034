package clientnet

import (
	"errors"
	"slices"
	"testing"

	"github.com/skirmishgg/skirmish/protocol"
)

var testKinds = []protocol.KindSchema{
	{Name: "player", Fields: []string{"x", "y", "aim", "hp", "score", "deaths"}},
	{Name: "bullet", Fields: []string{"x0", "y0", "dir", "tick0", "owner"}},
}

func testCounts(t testing.TB) *protocol.FieldCounts {
	t.Helper()
	c, err := protocol.NewFieldCounts(testKinds)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func player(id uint32, x, y, score int32) protocol.Entity {
	return protocol.Entity{ID: id, Kind: 0, Fields: [protocol.MaxFields]int32{x, y, 0, 100, score, 0}}
}

func bullet(id uint32, x, y int32) protocol.Entity {
	return protocol.Entity{ID: id, Kind: 1, Fields: [protocol.MaxFields]int32{x, y, 1234, 7, 1}}
}

// encodeDecode builds the snapshot message turning base into cur, as the
// server does, and decodes it as a client does.
func encodeDecode(t testing.TB, tick, baseTick, lastSeq uint32, base, cur []protocol.Entity) *protocol.Snapshot {
	t.Helper()
	var b []byte
	if baseTick == 0 {
		b = protocol.AppendSnapshot(nil, tick, 0, lastSeq, nil, cur, testCounts(t))
	} else {
		b = protocol.AppendSnapshot(nil, tick, baseTick, lastSeq, base, cur, testCounts(t))
	}
	var s protocol.Snapshot
	if err := s.Decode(b); err != nil {
		t.Fatalf("decode snapshot: %v", err)
	}
	return &s
}

// wire compares entities on what the wire carries (X and Y are not sent).
func wire(es []protocol.Entity) []protocol.Entity {
	out := slices.Clone(es)
	for i := range out {
		out[i].X, out[i].Y = 0, 0
	}
	return out
}

func TestReplicaFullThenDeltas(t *testing.T) {
	views := [][]protocol.Entity{
		{player(1, 10, 20, 0), player(2, 30, 40, 0)},
		{player(1, 11, 20, 0), player(2, 30, 41, 0), bullet(100, 11, 20)},
		{player(1, 11, 20, 1), bullet(100, 11, 20), bullet(101, 5, 5)},    // 2 left
		{player(1, -3, 20, 1), player(3, 500, 600, 0), bullet(101, 5, 5)}, // 3 joined, 100 gone
		{}, // everything gone
		{player(4, 1, 2, 3)},
	}
	var r Replica
	if r.HasView() || r.Find(1) != nil {
		t.Fatal("zero replica is not empty")
	}
	var baseTick uint32
	var base []protocol.Entity
	for i, v := range views {
		tick := uint32(2 * (i + 1))
		s := encodeDecode(t, tick, baseTick, uint32(i+7), base, v)
		if i > 0 && s.Base != baseTick {
			t.Fatalf("view %d: snapshot base %d, want %d", i, s.Base, baseTick)
		}
		if err := r.Apply(s); err != nil {
			t.Fatalf("view %d: %v", i, err)
		}
		gotTick, got := r.View()
		if gotTick != tick || !slices.Equal(got, wire(v)) {
			t.Fatalf("view %d: got tick %d %+v, want tick %d %+v", i, gotTick, got, tick, v)
		}
		if r.LastSeq() != uint32(i+7) {
			t.Fatalf("view %d: LastSeq %d", i, r.LastSeq())
		}
		pt, prev, ok := r.Prev()
		if i == 0 && ok {
			t.Fatalf("view 0: Prev reported %d", pt)
		}
		if i > 0 && (!ok || pt != baseTick || !slices.Equal(prev, wire(base))) {
			t.Fatalf("view %d: Prev = %d %+v %v, want %d %+v", i, pt, prev, ok, baseTick, base)
		}
		for _, e := range v {
			if f := r.Find(e.ID); f == nil || f.Fields != e.Fields {
				t.Fatalf("view %d: Find(%d) = %+v", i, e.ID, f)
			}
		}
		if r.Find(99) != nil {
			t.Fatalf("view %d: Find(99) found something", i)
		}
		baseTick, base = tick, v
	}

	// A full snapshot replaces the view whatever it was.
	full := []protocol.Entity{player(9, 1, 1, 1)}
	if err := r.Apply(encodeDecode(t, 100, 0, 0, nil, full)); err != nil {
		t.Fatal(err)
	}
	if tick, got := r.View(); tick != 100 || !slices.Equal(got, wire(full)) {
		t.Fatalf("after full: %d %+v", tick, got)
	}
	r.Reset()
	if r.HasView() || len(r.Entities()) != 0 || r.Tick() != 0 {
		t.Fatal("Reset left a view")
	}
}

func TestReplicaRejectsWrongBase(t *testing.T) {
	v1 := []protocol.Entity{player(1, 10, 20, 0)}
	v2 := []protocol.Entity{player(1, 11, 20, 0)}
	v3 := []protocol.Entity{player(1, 12, 20, 0)}

	var r Replica
	if err := r.Apply(encodeDecode(t, 4, 2, 0, v1, v2)); !errors.Is(err, ErrBaseMismatch) {
		t.Fatalf("delta on an empty replica: %v, want ErrBaseMismatch", err)
	}
	if err := r.Apply(encodeDecode(t, 2, 0, 0, nil, v1)); err != nil {
		t.Fatal(err)
	}
	if err := r.Apply(encodeDecode(t, 4, 2, 0, v1, v2)); err != nil {
		t.Fatal(err)
	}
	// A delta against tick 2 when the replica is at 4: rejected, view kept.
	err := r.Apply(encodeDecode(t, 6, 2, 0, v1, v3))
	if !errors.Is(err, ErrBaseMismatch) {
		t.Fatalf("delta on a stale base: %v, want ErrBaseMismatch", err)
	}
	if tick, got := r.View(); tick != 4 || !slices.Equal(got, wire(v2)) {
		t.Fatalf("view changed by a rejected delta: %d %+v", tick, got)
	}
	// A delta whose tick is not after its base.
	if err := r.Apply(encodeDecode(t, 4, 4, 0, v2, v3)); !errors.Is(err, ErrBaseMismatch) {
		t.Fatalf("delta to its own base tick: %v, want ErrBaseMismatch", err)
	}
	// A delta with the right base tick that does not fit the view (it
	// changes an entity the view lacks) fails as malformed.
	other := []protocol.Entity{player(5, 0, 0, 0)}
	moved := []protocol.Entity{player(5, 1, 0, 0)}
	err = r.Apply(encodeDecode(t, 6, 4, 0, other, moved))
	if !errors.Is(err, protocol.ErrMalformed) {
		t.Fatalf("delta that does not fit: %v, want ErrMalformed", err)
	}
	if tick, got := r.View(); tick != 4 || !slices.Equal(got, wire(v2)) {
		t.Fatalf("view changed by a failed apply: %d %+v", tick, got)
	}
	if _, _, ok := r.Prev(); ok {
		t.Fatal("Prev still reported after a failed apply")
	}
	// The right delta still applies.
	if err := r.Apply(encodeDecode(t, 6, 4, 0, v2, v3)); err != nil {
		t.Fatal(err)
	}
}

func TestReplicaApplyAllocatesNothing(t *testing.T) {
	a := []protocol.Entity{player(1, 10, 20, 0), player(2, 30, 40, 0), bullet(100, 1, 1)}
	b := []protocol.Entity{player(1, 11, 21, 0), player(2, 31, 40, 0), bullet(100, 1, 1)}
	var r Replica
	if err := r.Apply(encodeDecode(t, 2, 0, 0, nil, a)); err != nil {
		t.Fatal(err)
	}
	ab := encodeDecode(t, 4, 2, 0, a, b)
	ba := encodeDecode(t, 6, 4, 0, b, a)
	tick := uint32(2)
	allocs := testing.AllocsPerRun(100, func() {
		ab.Base, ab.Tick = tick, tick+2
		ba.Base, ba.Tick = tick+2, tick+4
		tick += 4
		if err := r.Apply(ab); err != nil {
			t.Fatal(err)
		}
		if err := r.Apply(ba); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Fatalf("Apply allocates %v times per two snapshots", allocs)
	}
}
