package match

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/skirmishgg/skirmish/protocol"
)

var interestCounts = func() *protocol.FieldCounts {
	c, err := protocol.NewFieldCounts([]protocol.KindSchema{{Name: "thing", Fields: []string{"x", "y", "hp"}}})
	if err != nil {
		panic(err)
	}
	return c
}()

// testView builds a view of entities whose X/Y are also their first two
// fields, with its interest grid.
func testView(tick uint32, ents []protocol.Entity, cfg *Interest) *View {
	return NewView(tick, slices.Clone(ents), interestCounts, cfg.Cell)
}

func entity(id uint32, x, y int32) protocol.Entity {
	return protocol.Entity{ID: id, X: x, Y: y, Fields: [protocol.MaxFields]int32{x, y, 100}}
}

// client applies snapshots as a real client would, checking each one's base.
type client struct {
	tick       uint32
	view, next []protocol.Entity
	snap       protocol.Snapshot
}

func (c *client) apply(t *testing.T, b []byte) {
	t.Helper()
	if err := c.snap.Decode(b); err != nil {
		t.Fatal(err)
	}
	if c.snap.Base != 0 && c.snap.Base != c.tick {
		t.Fatalf("snapshot based on %d, client holds %d", c.snap.Base, c.tick)
	}
	var err error
	c.next, err = protocol.Apply(c.next, c.view, &c.snap)
	if err != nil {
		t.Fatal(err)
	}
	c.view, c.next, c.tick = c.next, c.view, c.snap.Tick
}

func TestInterestPropertyClientSeesExactlyItsArea(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Interest
	}{
		{"area of a few cells", Interest{HalfWidth: 300, HalfHeight: 200, Margin: 40, Cell: 128}},
		// The grid then marks every entity and the exact tests decide.
		{"area over most of the world", Interest{HalfWidth: 900, HalfHeight: 600, Margin: 100, Cell: 700}},
	} {
		t.Run(tc.name, func(t *testing.T) { testClientSeesExactlyItsArea(t, tc.cfg.WithDefaults()) })
	}
}

func testClientSeesExactlyItsArea(t *testing.T, cfg *Interest) {
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 1))
		ents := make([]protocol.Entity, 120)
		for i := range ents {
			ents[i] = entity(uint32(i+1), rng.Int32N(2000), rng.Int32N(2000))
		}
		const self = 1
		f := NewFilter(cfg)
		var c client
		var base *View
		for tick := uint32(1); tick <= 200; tick++ {
			// Everything moves a little; now and then one jumps, appears or goes.
			for i := range ents {
				ents[i].X = min(max(ents[i].X+rng.Int32N(61)-30, 0), 2000)
				ents[i].Y = min(max(ents[i].Y+rng.Int32N(61)-30, 0), 2000)
				ents[i].Fields[0], ents[i].Fields[1] = ents[i].X, ents[i].Y
			}
			if rng.IntN(4) == 0 && len(ents) > 2 {
				j := 1 + rng.IntN(len(ents)-1) // never the own player, ents[0]
				ents = slices.Delete(ents, j, j+1)
			}
			if rng.IntN(4) == 0 {
				ents = append(ents, entity(uint32(1000+tick), rng.Int32N(2000), rng.Int32N(2000)))
			}
			cur := testView(tick, ents, cfg)
			from, to := f.Filter(&FilterScratch{}, base, cur, self)
			var baseTick uint32
			if base != nil {
				baseTick = base.Tick
			} else {
				from = nil
			}
			c.apply(t, protocol.AppendSnapshot(nil, tick, baseTick, 0, from, to, interestCounts))

			// The client holds exactly the server's filtered view.
			if len(c.view) != len(to) {
				t.Fatalf("seed %d tick %d: client holds %d entities, server sent %d", seed, tick, len(c.view), len(to))
			}
			me := ents[0]
			for i, e := range c.view {
				if e.ID != to[i].ID || e.Fields != to[i].Fields {
					t.Fatalf("seed %d tick %d: client has %+v, server %+v", seed, tick, e, to[i])
				}
				src := cur.Entities[slices.IndexFunc(cur.Entities, func(x protocol.Entity) bool { return x.ID == e.ID })]
				// Never anything beyond the outer border.
				if e.ID != self && (abs(src.X-me.X) > cfg.HalfWidth+cfg.Margin || abs(src.Y-me.Y) > cfg.HalfHeight+cfg.Margin) {
					t.Fatalf("seed %d tick %d: entity %d at distance (%d, %d) sent", seed, tick, e.ID, src.X-me.X, src.Y-me.Y)
				}
			}
			// Everything inside the inner area is there.
			for _, e := range cur.Entities {
				inside := abs(e.X-me.X) <= cfg.HalfWidth && abs(e.Y-me.Y) <= cfg.HalfHeight
				if inside && !slices.ContainsFunc(c.view, func(x protocol.Entity) bool { return x.ID == e.ID }) {
					t.Fatalf("seed %d tick %d: entity %d inside the area is missing", seed, tick, e.ID)
				}
			}
			base = cur
		}
	}
}

func TestInterestHysteresisAndEnterLeave(t *testing.T) {
	cfg := (&Interest{HalfWidth: 100, HalfHeight: 100, Margin: 20, Cell: 64}).WithDefaults()
	f := NewFilter(cfg)
	var c client
	var base *View
	step := func(tick uint32, otherX int32) (created, removed int) {
		cur := testView(tick, []protocol.Entity{entity(1, 0, 0), entity(2, otherX, 0)}, cfg)
		from, to := f.Filter(&FilterScratch{}, base, cur, 1)
		var bt uint32
		if base != nil {
			bt = base.Tick
		} else {
			from = nil
		}
		c.apply(t, protocol.AppendSnapshot(nil, tick, bt, 0, from, to, interestCounts))
		base = cur
		return len(c.snap.Created), len(c.snap.Removed)
	}
	// Far away: only the own player.
	if cr, _ := step(1, 500); cr != 1 {
		t.Fatalf("first snapshot created %d, want only self", cr)
	}
	// Enters at the border: created with its full state.
	if cr, _ := step(2, 100); cr != 1 || c.snap.Created[0].ID != 2 || c.snap.Created[0].Fields[0] != 100 {
		t.Fatalf("entering entity: created %+v", c.snap.Created)
	}
	// Wanders just beyond the border, within the margin: kept, no churn.
	for tick, x := range []int32{110, 95, 118, 102, 119} {
		if cr, rm := step(uint32(3+tick), x); cr != 0 || rm != 0 {
			t.Fatalf("at x=%d: created %d, removed %d; want neither", x, cr, rm)
		}
	}
	// Leaves past the margin: removed.
	if _, rm := step(10, 121); rm != 1 {
		t.Fatalf("leaving entity: removed %d, want 1", rm)
	}
	// Back inside the margin but not the area: not created again.
	if cr, _ := step(11, 110); cr != 0 {
		t.Fatalf("re-entering within the margin created %d, want 0", cr)
	}
}

func abs(v int32) int32 {
	if v < 0 {
		return -v
	}
	return v
}
