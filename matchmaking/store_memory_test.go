package matchmaking

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestMemoryStoreModel runs random adds (some out of order), finishes,
// snapshots and prunes against a naive model of the queue; 5000 steps
// stress the memory store's tombstones and compaction. The contract
// (storetest.RunStore) runs a shorter model on every adapter.
func TestMemoryStoreModel(t *testing.T) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(5, 6))
	s := NewMemoryStore()
	var model []Ticket // queued, any order
	var finished int
	now := t0
	for step := range 5000 {
		switch op := rng.IntN(10); {
		case op < 5 || len(model) == 0:
			now = now.Add(time.Millisecond)
			created := now
			if rng.IntN(10) == 0 {
				created = now.Add(-time.Duration(rng.IntN(3000)) * time.Millisecond)
			}
			tt := Ticket{ID: TicketID(fmt.Sprint("t", step)), Mode: "m", Players: []Player{{ID: fmt.Sprint("p", step)}}, CreatedAt: created}
			must(t, s.Add(ctx, tt))
			model = append(model, tt)
		case op < 8:
			i := rng.IntN(len(model))
			must(t, s.Finish(ctx, []Record{{Ticket: model[i], State: StateCancelled, FinishedAt: now}}))
			model = slices.Delete(model, i, i+1)
			finished++
		case op < 9:
			q, err := s.Queued(ctx, "m")
			must(t, err)
			want := slices.Clone(model)
			sortTickets(want)
			if len(q) != len(want) {
				t.Fatalf("step %d: %d queued, want %d", step, len(q), len(want))
			}
			for i := range q {
				if q[i].ID != want[i].ID {
					t.Fatalf("step %d: order differs at %d", step, i)
				}
			}
		default:
			n, err := s.Prune(ctx, now.Add(-time.Second))
			must(t, err)
			finished -= n
		}
		if len(model) > 0 && step%7 == 0 {
			want := slices.Clone(model)
			sortTickets(want)
			i := rng.IntN(len(want))
			pos, err := s.Position(ctx, want[i].ID)
			must(t, err)
			if pos != i {
				t.Fatalf("step %d: position %d, want %d", step, pos, i)
			}
		}
	}
	counts, err := s.Counts(ctx)
	must(t, err)
	if counts["m"].Tickets != len(model) || counts["m"].Players != len(model) {
		t.Fatalf("counts %+v, model %d", counts, len(model))
	}
}
