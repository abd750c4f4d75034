package matchmaking

import (
	"context"
	"fmt"
	"runtime"
	"testing"
)

// TestChurnRetentionBounded: queue-and-cancel churn keeps at most
// RetainedTickets finished tickets, however many go through, and the heap
// stays flat once the store holds that many.
func TestChurnRetentionBounded(t *testing.T) {
	const keep, warm, churn = 2000, 10000, 40000
	ctx := context.Background()
	mm, clock := newTestMM(t, &Options{RetainedTickets: keep})
	var first, last TicketID
	cycle := func(n int) {
		for i := range n {
			id, err := mm.Enqueue(ctx, Ticket{Mode: "m", Players: []Player{{ID: "churner"}}, Regions: []RegionLatency{rl("eu", 20)}})
			must(t, err)
			must(t, mm.Cancel(ctx, id))
			if first == "" {
				first = id
			}
			last = id
			if i%500 == 499 { // a pass every 250 ms sees about this many at 2000/s
				if _, err := mm.RunPass(ctx, clock.Now()); err != nil {
					t.Fatal(err)
				}
			}
		}
		if _, err := mm.RunPass(ctx, clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}

	cycle(warm)
	before := heap()
	cycle(churn)
	after := heap()

	// Unbounded, 40 000 more records of ~400 B would add ~16 MB.
	const slack = 4 << 20
	t.Logf("heap after GC: %d B after %d tickets, %d B after %d more", before, warm, after, churn)
	if after > before+slack {
		t.Fatalf("heap grew from %d to %d bytes over %d queue-and-cancel cycles", before, after, churn)
	}
	if n, err := mm.store.Trim(ctx, keep); err != nil || n != 0 {
		t.Fatalf("after the passes %d finished tickets were over the bound of %d (%v)", n, keep, err)
	}
	if _, err := mm.Status(ctx, first); err == nil {
		t.Fatalf("the first ticket %s is still kept after %d more", first, warm+churn)
	}
	if st, err := mm.Status(ctx, last); err != nil || st.State != StateCancelled {
		t.Fatalf("the newest ticket %s: %+v %v, want cancelled", last, st, err)
	}
}

func BenchmarkEnqueueCancel(b *testing.B) {
	b.ReportAllocs()
	ctx := context.Background()
	mm, err := New(&Options{Modes: []ModeConfig{{Name: "m", MaxPlayers: 4}}, RetainedTickets: 1000})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		id, err := mm.Enqueue(ctx, Ticket{Mode: "m", Players: []Player{{ID: fmt.Sprint("p", i%8)}}, Regions: []RegionLatency{rl("eu", 20)}})
		if err != nil {
			b.Fatal(err)
		}
		if err := mm.Cancel(ctx, id); err != nil {
			b.Fatal(err)
		}
		if i%1000 == 999 {
			mm.store.Trim(ctx, 1000)
		}
	}
}
