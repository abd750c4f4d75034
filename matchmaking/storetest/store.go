package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	mm "github.com/skirmishgg/skirmish/matchmaking"
)

// RunStore runs the Store contract. newStore returns a fresh, empty store
// for each subtest.
func RunStore(t *testing.T, newStore func(t *testing.T) mm.Store) {
	t.Run("AddGet", func(t *testing.T) { storeAddGet(t, newStore(t)) })
	t.Run("AddRefuses", func(t *testing.T) { storeAddRefuses(t, newStore) })
	t.Run("QueuedOrder", func(t *testing.T) { storeQueuedOrder(t, newStore(t)) })
	t.Run("Position", func(t *testing.T) { storePosition(t, newStore(t)) })
	t.Run("FinishAllOrNothing", func(t *testing.T) { storeFinishAllOrNothing(t, newStore(t)) })
	t.Run("FinishRecord", func(t *testing.T) { storeFinishRecord(t, newStore(t)) })
	t.Run("Counts", func(t *testing.T) { storeCounts(t, newStore(t)) })
	t.Run("Prune", func(t *testing.T) { storePrune(t, newStore(t)) })
	t.Run("Trim", func(t *testing.T) { storeTrim(t, newStore(t)) })
	t.Run("Model", func(t *testing.T) { RunStoreModel(t, newStore(t), 2000) })
	t.Run("RaceAddSamePlayer", func(t *testing.T) { storeRaceAddSamePlayer(t, newStore(t)) })
	t.Run("RaceAddSameID", func(t *testing.T) { storeRaceAddSameID(t, newStore(t)) })
	t.Run("RaceFinish", func(t *testing.T) { storeRaceFinish(t, newStore(t)) })
	t.Run("RaceFinishOverlapping", func(t *testing.T) { storeRaceFinishOverlapping(t, newStore(t)) })
	t.Run("EndedContext", func(t *testing.T) { storeEndedContext(t, newStore(t)) })
}

func storeAddGet(t *testing.T, s mm.Store) {
	ctx := context.Background()
	a := Ticket("a", "m", time.Second, "pa", "pb")
	a.Skill = 1234.5
	a.Regions = append(a.Regions, mm.RegionLatency{Region: "us", RTT: 95 * time.Millisecond})
	must(t, s.Add(ctx, a))
	rec, err := s.Get(ctx, "a")
	must(t, err)
	if want := (mm.Record{Ticket: a, State: mm.StateQueued}); !sameJSON(t, rec, want) {
		t.Fatalf("record %+v, want %+v", rec, want)
	}
	if _, err := s.Get(ctx, "nope"); !errors.Is(err, mm.ErrTicketNotFound) {
		t.Fatalf("get unknown: %v", err)
	}
	q, err := s.Queued(ctx, "m")
	must(t, err)
	if len(q) != 1 || !sameJSON(t, q[0], a) {
		t.Fatalf("queued %+v", q)
	}
	if q, err := s.Queued(ctx, "other"); err != nil || len(q) != 0 {
		t.Fatalf("queued of an empty mode: %v %v", q, err)
	}
}

func storeAddRefuses(t *testing.T, newStore func(t *testing.T) mm.Store) {
	for _, tc := range []struct {
		name     string
		queued   []mm.Ticket
		finished []mm.Ticket // queued, then cancelled
		add      mm.Ticket
		want     error // nil: accepted
		mentions []string
	}{
		{name: "new ticket", queued: []mm.Ticket{Ticket("a", "m", 0, "p1")}, add: Ticket("b", "m", 0, "p2")},
		{name: "queued ID", queued: []mm.Ticket{Ticket("a", "m", 0, "p1")}, add: Ticket("a", "m", 0, "p2"), want: mm.ErrDuplicateTicket, mentions: []string{"a"}},
		{name: "finished ID", finished: []mm.Ticket{Ticket("a", "m", 0, "p1")}, add: Ticket("a", "m", 0, "p2"), want: mm.ErrDuplicateTicket},
		{name: "queued player", queued: []mm.Ticket{Ticket("a", "m", 0, "p1")}, add: Ticket("b", "m", 0, "p1"), want: mm.ErrPlayerQueued, mentions: []string{"p1", "a"}},
		{name: "party member queued", queued: []mm.Ticket{Ticket("a", "m", 0, "p1", "p2")}, add: Ticket("b", "m", 0, "p3", "p2"), want: mm.ErrPlayerQueued, mentions: []string{"p2", "a"}},
		{name: "queued in another mode", queued: []mm.Ticket{Ticket("a", "duel", 0, "p1")}, add: Ticket("b", "m", 0, "p1"), want: mm.ErrPlayerQueued},
		{name: "player of a finished ticket", finished: []mm.Ticket{Ticket("a", "m", 0, "p1")}, add: Ticket("b", "m", 0, "p1")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s := newStore(t)
			for _, q := range append(slices.Clone(tc.queued), tc.finished...) {
				must(t, s.Add(ctx, q))
			}
			for _, f := range tc.finished {
				must(t, s.Finish(ctx, []mm.Record{{Ticket: f, State: mm.StateCancelled, FinishedAt: T0()}}))
			}
			before, err := s.Queued(ctx, tc.add.Mode)
			must(t, err)
			err = s.Add(ctx, tc.add)
			if tc.want == nil {
				must(t, err)
				if r, err := s.Get(ctx, tc.add.ID); err != nil || r.State != mm.StateQueued {
					t.Fatalf("added ticket: %+v %v", r, err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("add: %v, want %v", err, tc.want)
			}
			for _, m := range tc.mentions {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("error %q does not name %q", err, m)
				}
			}
			after, err := s.Queued(ctx, tc.add.Mode)
			must(t, err)
			if !sameJSON(t, before, after) {
				t.Fatalf("a refused Add changed the queue: %s -> %s", ids(before), ids(after))
			}
			if tc.want != mm.ErrDuplicateTicket {
				if _, err := s.Get(ctx, tc.add.ID); !errors.Is(err, mm.ErrTicketNotFound) {
					t.Fatalf("refused ticket recorded: %v", err)
				}
			}
		})
	}
}

func storeQueuedOrder(t *testing.T, s mm.Store) {
	ctx := context.Background()
	// Added out of order; b1 and b2 were created at the same time.
	add := []mm.Ticket{
		Ticket("c", "m", 1*time.Second, "pc"),
		Ticket("b2", "m", 2*time.Second, "pb2"),
		Ticket("a", "m", 3*time.Second, "pa"),
		Ticket("b1", "m", 2*time.Second, "pb1"),
		Ticket("d", "m", 0, "pd"),
		Ticket("x", "duel", 5*time.Second, "px"),
		Ticket("old", "m", 100*365*24*time.Hour, "pold"), // before 1970
	}
	for _, tt := range add {
		must(t, s.Add(ctx, tt))
	}
	q, err := s.Queued(ctx, "m")
	must(t, err)
	if got, want := ids(q), "[old a b1 b2 c d]"; got != want {
		t.Fatalf("queue %s, want %s", got, want)
	}
	q, err = s.Queued(ctx, "duel")
	must(t, err)
	if got := ids(q); got != "[x]" {
		t.Fatalf("duel queue %s", got)
	}
}

func storePosition(t *testing.T, s mm.Store) {
	ctx := context.Background()
	for i, id := range []string{"a", "b", "c"} {
		must(t, s.Add(ctx, Ticket(id, "m", time.Duration(3-i)*time.Second, "p"+id)))
	}
	must(t, s.Add(ctx, Ticket("z", "duel", time.Hour, "pz")))
	for i, id := range []mm.TicketID{"a", "b", "c"} {
		if pos, err := s.Position(ctx, id); err != nil || pos != i {
			t.Fatalf("position of %s: %d %v, want %d", id, pos, err, i)
		}
	}
	a, err := s.Get(ctx, "a")
	must(t, err)
	must(t, s.Finish(ctx, []mm.Record{{Ticket: a.Ticket, State: mm.StateCancelled, FinishedAt: T0()}}))
	if pos, err := s.Position(ctx, "c"); err != nil || pos != 1 {
		t.Fatalf("position after a cancel: %d %v", pos, err)
	}
	if _, err := s.Position(ctx, "a"); !errors.Is(err, mm.ErrNotQueued) {
		t.Fatalf("position of a finished ticket: %v", err)
	}
	if _, err := s.Position(ctx, "nope"); !errors.Is(err, mm.ErrTicketNotFound) {
		t.Fatalf("position of an unknown ticket: %v", err)
	}
}

func storeFinishAllOrNothing(t *testing.T, s mm.Store) {
	ctx := context.Background()
	a, b := Ticket("a", "m", 0, "pa"), Ticket("b", "m", 0, "pb")
	must(t, s.Add(ctx, a))
	must(t, s.Add(ctx, b))
	must(t, s.Finish(ctx, []mm.Record{{Ticket: b, State: mm.StateCancelled}}))
	for _, tc := range []struct {
		name string
		recs []mm.Record
		want error // nil: any error
	}{
		{"one not queued", []mm.Record{{Ticket: a, State: mm.StateAssigned}, {Ticket: b, State: mm.StateAssigned}}, mm.ErrNotQueued},
		{"one unknown", []mm.Record{{Ticket: a, State: mm.StateAssigned}, {Ticket: Ticket("nope", "m", 0, "px"), State: mm.StateAssigned}}, mm.ErrTicketNotFound},
		{"listed twice", []mm.Record{{Ticket: a, State: mm.StateAssigned}, {Ticket: a, State: mm.StateAssigned}}, nil},
		{"into the queued state", []mm.Record{{Ticket: a, State: mm.StateQueued}}, nil},
	} {
		err := s.Finish(ctx, tc.recs)
		if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
			t.Fatalf("%s: %v, want %v", tc.name, err, tc.want)
		}
		if r, _ := s.Get(ctx, "a"); r.State != mm.StateQueued {
			t.Fatalf("%s: a changed: %+v", tc.name, r)
		}
		if pos, err := s.Position(ctx, "a"); err != nil || pos != 0 {
			t.Fatalf("%s: a left the queue: %d %v", tc.name, pos, err)
		}
	}
	// The player of a is still queued: a failed Finish frees no player.
	if err := s.Add(ctx, Ticket("a2", "m", 0, "pa")); !errors.Is(err, mm.ErrPlayerQueued) {
		t.Fatalf("player of a: %v", err)
	}
	must(t, s.Finish(ctx, nil))
}

func storeFinishRecord(t *testing.T, s mm.Store) {
	ctx := context.Background()
	a := Ticket("a", "m", time.Minute, "pa", "pb")
	must(t, s.Add(ctx, a))
	asg := &mm.Assignment{
		MatchID: "m_1", HostID: "h", HostURL: "ws://h/ws", Region: "eu", Team: 1,
		Tokens:    []mm.PlayerToken{{PlayerID: "pa", Token: "tok-a"}, {PlayerID: "pb", Token: "tok-b"}},
		ExpiresAt: T0().Add(time.Minute),
	}
	// The stored ticket is kept, whatever ticket the record carries.
	other := a
	other.Skill = 1
	fin := T0().Add(1234567 * time.Nanosecond)
	must(t, s.Finish(ctx, []mm.Record{{Ticket: other, State: mm.StateAssigned, Reason: "matched", Assignment: asg, FinishedAt: fin}}))
	rec, err := s.Get(ctx, "a")
	must(t, err)
	want := mm.Record{Ticket: a, State: mm.StateAssigned, Reason: "matched", Assignment: asg, FinishedAt: fin}
	if !sameJSON(t, rec, want) {
		t.Fatalf("record %+v, want %+v", rec, want)
	}
	if q, _ := s.Queued(ctx, "m"); len(q) != 0 {
		t.Fatalf("queued %s", ids(q))
	}
	if err := s.Finish(ctx, []mm.Record{{Ticket: a, State: mm.StateCancelled}}); !errors.Is(err, mm.ErrNotQueued) {
		t.Fatalf("finish twice: %v", err)
	}
	// Its players may queue again.
	must(t, s.Add(ctx, Ticket("b", "m", 0, "pb")))
	must(t, s.Add(ctx, Ticket("c", "m", 0, "pa")))
}

func storeCounts(t *testing.T, s mm.Store) {
	ctx := context.Background()
	must(t, s.Add(ctx, Ticket("a", "m", 0, "p1", "p2")))
	must(t, s.Add(ctx, Ticket("b", "m", 0, "p3")))
	must(t, s.Add(ctx, Ticket("c", "duel", 0, "p4")))
	c, err := s.Counts(ctx)
	must(t, err)
	if c["m"] != (mm.PoolCount{Tickets: 2, Players: 3}) || c["duel"] != (mm.PoolCount{Tickets: 1, Players: 1}) {
		t.Fatalf("counts %+v", c)
	}
	must(t, s.Finish(ctx, []mm.Record{{Ticket: Ticket("a", "m", 0), State: mm.StateTimedOut}, {Ticket: Ticket("c", "duel", 0), State: mm.StateFailed}}))
	c, err = s.Counts(ctx)
	must(t, err)
	if c["m"] != (mm.PoolCount{Tickets: 1, Players: 1}) || c["duel"] != (mm.PoolCount{}) || c["other"] != (mm.PoolCount{}) {
		t.Fatalf("counts after finishing %+v", c)
	}
}

func storePrune(t *testing.T, s mm.Store) {
	ctx := context.Background()
	for i := range 5 {
		must(t, s.Add(ctx, Ticket(fmt.Sprint("t", i), "m", 0, fmt.Sprint("p", i))))
	}
	for i := range 4 {
		must(t, s.Finish(ctx, []mm.Record{{Ticket: Ticket(fmt.Sprint("t", i), "m", 0), State: mm.StateCancelled, FinishedAt: T0().Add(time.Duration(i) * time.Second)}}))
	}
	// Finished strictly before T0()+2s: t0 and t1.
	n, err := s.Prune(ctx, T0().Add(2*time.Second))
	must(t, err)
	if n != 2 {
		t.Fatalf("pruned %d, want 2", n)
	}
	for i, want := range []error{mm.ErrTicketNotFound, mm.ErrTicketNotFound, nil, nil, nil} {
		if _, err := s.Get(ctx, mm.TicketID(fmt.Sprint("t", i))); !errors.Is(err, want) && !(want == nil && err == nil) {
			t.Fatalf("t%d after prune: %v, want %v", i, err, want)
		}
	}
	// A pruned ID may be used again; a queued ticket is never pruned.
	must(t, s.Add(ctx, Ticket("t0", "m", 0, "p0")))
	if n, err := s.Prune(ctx, T0().Add(time.Hour)); err != nil || n != 2 {
		t.Fatalf("second prune: %d %v", n, err)
	}
	q, err := s.Queued(ctx, "m")
	must(t, err)
	if got := ids(q); got != "[t0 t4]" {
		t.Fatalf("queued after prune %s", got)
	}
}

// RunStoreModel runs steps random adds (some out of order), finishes,
// snapshots, prunes and position reads against a naive model of the
// queue. RunStore runs 2000 steps on every adapter; an adapter with
// compaction of its own (the memory store's tombstones) runs more.
func RunStoreModel(t *testing.T, s mm.Store, steps int) {
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(5, 6))
	var model []mm.Ticket // queued, any order
	now := T0()
	for step := range steps {
		switch op := rng.IntN(10); {
		case op < 5 || len(model) == 0:
			now = now.Add(time.Millisecond)
			created := now
			if rng.IntN(10) == 0 {
				created = now.Add(-time.Duration(rng.IntN(3000)) * time.Millisecond)
			}
			tt := mm.Ticket{ID: mm.TicketID(fmt.Sprint("t", step)), Mode: "m", Players: []mm.Player{{ID: fmt.Sprint("p", step)}}, CreatedAt: created}
			must(t, s.Add(ctx, tt))
			model = append(model, tt)
		case op < 8:
			i := rng.IntN(len(model))
			must(t, s.Finish(ctx, []mm.Record{{Ticket: model[i], State: mm.StateCancelled, FinishedAt: now}}))
			model = slices.Delete(model, i, i+1)
		case op < 9:
			q, err := s.Queued(ctx, "m")
			must(t, err)
			want := slices.Clone(model)
			sortTickets(want)
			if ids(q) != ids(want) {
				t.Fatalf("step %d: queue %s, want %s", step, ids(q), ids(want))
			}
		default:
			_, err := s.Prune(ctx, now.Add(-time.Second))
			must(t, err)
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

const racers = 16

func storeRaceAddSamePlayer(t *testing.T, s mm.Store) {
	ctx := context.Background()
	for round := range 20 {
		var won atomic.Int32
		race(racers, func(i int) {
			err := s.Add(ctx, Ticket(fmt.Sprintf("r%d-%d", round, i), "m", 0, fmt.Sprintf("solo%d-%d", round, i), fmt.Sprint("p", round)))
			switch {
			case err == nil:
				won.Add(1)
			case !errors.Is(err, mm.ErrPlayerQueued):
				t.Errorf("add: %v", err)
			}
		})
		if won.Load() != 1 {
			t.Fatalf("round %d: %d tickets queued with the same player", round, won.Load())
		}
	}
	q, err := s.Queued(ctx, "m")
	must(t, err)
	if len(q) != 20 {
		t.Fatalf("%d queued, want 20", len(q))
	}
}

func storeRaceAddSameID(t *testing.T, s mm.Store) {
	ctx := context.Background()
	var won atomic.Int32
	race(racers, func(i int) {
		err := s.Add(ctx, Ticket("same", "m", 0, fmt.Sprint("p", i)))
		switch {
		case err == nil:
			won.Add(1)
		case !errors.Is(err, mm.ErrDuplicateTicket):
			t.Errorf("add: %v", err)
		}
	})
	if won.Load() != 1 {
		t.Fatalf("%d adds of one ID succeeded", won.Load())
	}
	if c, _ := s.Counts(ctx); c["m"] != (mm.PoolCount{Tickets: 1, Players: 1}) {
		t.Fatalf("counts %+v", c)
	}
}

func storeRaceFinish(t *testing.T, s mm.Store) {
	ctx := context.Background()
	for round := range 20 {
		tt := Ticket(fmt.Sprint("t", round), "m", 0, fmt.Sprint("p", round))
		must(t, s.Add(ctx, tt))
		var winner atomic.Int32
		winner.Store(-1)
		race(racers, func(i int) {
			err := s.Finish(ctx, []mm.Record{{Ticket: tt, State: mm.StateAssigned, Reason: fmt.Sprint("racer ", i), FinishedAt: T0()}})
			switch {
			case err == nil:
				if !winner.CompareAndSwap(-1, int32(i)) {
					t.Errorf("round %d: racers %d and %d both finished the ticket", round, winner.Load(), i)
				}
			case !errors.Is(err, mm.ErrNotQueued):
				t.Errorf("finish: %v", err)
			}
		})
		rec, err := s.Get(ctx, tt.ID)
		must(t, err)
		if w := winner.Load(); w < 0 || rec.Reason != fmt.Sprint("racer ", w) {
			t.Fatalf("round %d: winner %d, record %+v", round, w, rec)
		}
	}
}

// storeRaceFinishOverlapping races Finish{a,b} against Finish{b,c}: one
// wins, and the loser's other ticket stays queued.
func storeRaceFinishOverlapping(t *testing.T, s mm.Store) {
	ctx := context.Background()
	for round := range 30 {
		var ts [3]mm.Ticket
		for i := range ts {
			ts[i] = Ticket(fmt.Sprintf("r%d-%d", round, i), "m", 0, fmt.Sprintf("p%d-%d", round, i))
			must(t, s.Add(ctx, ts[i]))
		}
		var errs [2]error
		race(2, func(i int) {
			errs[i] = s.Finish(ctx, []mm.Record{{Ticket: ts[i], State: mm.StateAssigned}, {Ticket: ts[i+1], State: mm.StateAssigned}})
		})
		if (errs[0] == nil) == (errs[1] == nil) {
			t.Fatalf("round %d: errors %v", round, errs)
		}
		loser := 0
		if errs[0] == nil {
			loser = 1
		}
		if !errors.Is(errs[loser], mm.ErrNotQueued) {
			t.Fatalf("round %d: loser's error %v", round, errs[loser])
		}
		alone := ts[2*loser] // the loser's ticket that the winner did not take
		if r, _ := s.Get(ctx, alone.ID); r.State != mm.StateQueued {
			t.Fatalf("round %d: %s left the queue: %+v", round, alone.ID, r)
		}
		must(t, s.Finish(ctx, []mm.Record{{Ticket: alone, State: mm.StateCancelled}}))
	}
	if c, _ := s.Counts(ctx); c["m"] != (mm.PoolCount{}) {
		t.Fatalf("counts %+v", c)
	}
}

func storeEndedContext(t *testing.T, s mm.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Add(ctx, Ticket("a", "m", 0, "p")); err == nil {
		t.Fatal("Add on an ended context")
	}
	if _, err := s.Queued(ctx, "m"); err == nil {
		t.Fatal("Queued on an ended context")
	}
	if _, err := s.Get(context.Background(), "a"); !errors.Is(err, mm.ErrTicketNotFound) {
		t.Fatalf("ticket added on an ended context: %v", err)
	}
}

// storeTrim: retention by count keeps the newest final records and every
// queued ticket.
func storeTrim(t *testing.T, s mm.Store) {
	ctx := context.Background()
	for i := range 7 {
		must(t, s.Add(ctx, Ticket(fmt.Sprint("t", i), "m", 0, fmt.Sprint("p", i))))
	}
	for i := range 5 { // t0..t4 finish in order; t5 and t6 stay queued
		must(t, s.Finish(ctx, []mm.Record{{Ticket: Ticket(fmt.Sprint("t", i), "m", 0), State: mm.StateCancelled, FinishedAt: T0().Add(time.Duration(i) * time.Second)}}))
	}
	tests := []struct {
		keep, trimmed int
		gone          int // t0..t(gone-1) are forgotten
	}{
		{keep: 10, trimmed: 0, gone: 0},
		{keep: 3, trimmed: 2, gone: 2},
		{keep: 3, trimmed: 0, gone: 2},
		{keep: 0, trimmed: 3, gone: 5},
	}
	for _, tc := range tests {
		n, err := s.Trim(ctx, tc.keep)
		must(t, err)
		if n != tc.trimmed {
			t.Fatalf("trim to %d: %d trimmed, want %d", tc.keep, n, tc.trimmed)
		}
		for i := range 7 {
			_, err := s.Get(ctx, mm.TicketID(fmt.Sprint("t", i)))
			if gone := i < tc.gone; gone != errors.Is(err, mm.ErrTicketNotFound) || (!gone && err != nil) {
				t.Fatalf("trim to %d: t%d: %v (forgotten: %v)", tc.keep, i, err, gone)
			}
		}
	}
	q, err := s.Queued(ctx, "m")
	must(t, err)
	if got := ids(q); got != "[t5 t6]" {
		t.Fatalf("queued after trim %s", got)
	}
}
