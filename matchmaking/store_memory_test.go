package matchmaking

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// TestMemoryStoreModel runs random adds (some out of order), finishes,
// snapshots and prunes against a naive model of the queue.
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

func TestMemoryStoreFinishAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s := NewMemoryStore()
	a, b := tk("a", 1, 0, 1), tk("b", 1, 0, 1)
	must(t, s.Add(ctx, a))
	must(t, s.Add(ctx, b))
	must(t, s.Finish(ctx, []Record{{Ticket: b, State: StateCancelled}}))
	err := s.Finish(ctx, []Record{{Ticket: a, State: StateAssigned}, {Ticket: b, State: StateAssigned}})
	if !errors.Is(err, ErrNotQueued) {
		t.Fatalf("err %v", err)
	}
	if r, _ := s.Get(ctx, "a"); r.State != StateQueued {
		t.Fatalf("a changed: %+v", r)
	}
	if err := s.Finish(ctx, []Record{{Ticket: a, State: StateAssigned}, {Ticket: a, State: StateAssigned}}); err == nil {
		t.Fatal("a ticket finished twice in one call")
	}
	if err := s.Finish(ctx, []Record{{Ticket: a, State: StateQueued}}); err == nil {
		t.Fatal("finished into the queued state")
	}
	if _, err := s.Position(ctx, "b"); !errors.Is(err, ErrNotQueued) {
		t.Fatalf("position of a finished ticket: %v", err)
	}
}
