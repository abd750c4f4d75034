package match

import (
	"bytes"
	"sync"
	"testing"

	"github.com/skirmishgg/skirmish/protocol"
)

func TestAppendDeltaBody(t *testing.T) {
	ents := func(hp ...int32) []protocol.Entity {
		var out []protocol.Entity
		for i, h := range hp {
			e := entity(uint32(i+1), int32(i*10), 5)
			e.Fields[2] = h
			out = append(out, e)
		}
		return out
	}
	v := NewView(9, ents(100, 90, 80), interestCounts, 0)
	at0 := NewView(0, ents(100), interestCounts, 0)
	empty := NewView(4, nil, interestCounts, 0)
	older := NewView(6, ents(100), interestCounts, 0)
	prev := NewView(8, ents(100, 95), interestCounts, 0)
	for _, tc := range []struct {
		name string
		base *View
		from []protocol.Entity // what protocol encodes the body from
	}{
		{"full", nil, nil},
		{"base at tick 0 is full", at0, nil},
		{"previous", prev, prev.Entities},
		{"empty base is a delta", empty, []protocol.Entity{}},
		{"older, past the memo", older, older.Entities},
		{"previous again", prev, prev.Entities},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := protocol.AppendSnapshotBody(nil, tc.from, v.Entities, v.Counts)
			got := v.AppendDeltaBody([]byte("hdr"), tc.base)
			if !bytes.Equal(got[3:], want) || string(got[:3]) != "hdr" {
				t.Fatalf("body %x, want hdr+%x", got, want)
			}
		})
	}
	if v.deltas.encodes != maxSharedDeltas {
		t.Fatalf("%d bodies encoded and kept, want %d (full, previous, empty)", v.deltas.encodes, maxSharedDeltas)
	}
}

// TestAppendDeltaBodyShared: the peers of a match asking at once encode
// each body once, and all get the same bytes.
func TestAppendDeltaBodyShared(t *testing.T) {
	pool := newViewPool(1, interestCounts)
	v := pool.get()
	v.Tick, v.Entities = 9, []protocol.Entity{entity(1, 0, 0), entity(2, 5, 5)}
	base := NewView(8, []protocol.Entity{entity(1, 0, 0)}, interestCounts, 0)
	want := protocol.AppendSnapshotBody(nil, base.Entities, v.Entities, v.Counts)
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			if got := v.AppendDeltaBody(nil, base); !bytes.Equal(got, want) {
				t.Errorf("body %x, want %x", got, want)
			}
		})
	}
	wg.Wait()
	if v.deltas.encodes != 1 {
		t.Fatalf("16 peers encoded %d times, want once", v.deltas.encodes)
	}
	// Back in the pool and out again, the view forgets its bodies.
	v.Release()
	w := pool.get()
	if w != v {
		t.Fatal("the pool did not hand the view back")
	}
	w.Tick, w.Entities = 10, []protocol.Entity{entity(1, 1, 1)}
	want = protocol.AppendSnapshotBody(nil, base.Entities, w.Entities, w.Counts)
	if got := w.AppendDeltaBody(nil, base); !bytes.Equal(got, want) {
		t.Fatalf("reused view: body %x, want %x", got, want)
	}
}
