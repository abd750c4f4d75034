package matchmaking

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
)

// enqueueAt queues a ticket of mode "m" (FFA of 4) created now.
func enqueue(t *testing.T, mm *Matchmaker, tt Ticket) TicketID {
	t.Helper()
	tt.CreatedAt = time.Time{}
	id, err := mm.Enqueue(context.Background(), tt)
	must(t, err)
	return id
}

func TestRunPassAssignsWithTokens(t *testing.T) {
	ctx := context.Background()
	var hooks []MatchAssignment
	mm, clock := newTestMM(t, &Options{OnAssign: func(a MatchAssignment) { hooks = append(hooks, a) }})
	var ids []TicketID
	for i, n := range []int{2, 1, 1} {
		ids = append(ids, enqueue(t, mm, tk(fmt.Sprint("t", i), 1500, 0, n)))
		clock.Advance(time.Second)
	}
	rep, err := mm.RunPass(ctx, clock.Now())
	must(t, err)
	if rep.Pools[0].Mode != "duel" || rep.Pools[1].Matches != 1 {
		t.Fatalf("report %+v", rep)
	}
	var matchID string
	for _, id := range ids {
		st, err := mm.Status(ctx, id)
		must(t, err)
		a := st.Assignment
		if st.State != StateAssigned || a == nil || a.HostURL != "ws://local/ws" || a.HostID != "local" || a.Backfill {
			t.Fatalf("status %+v", st)
		}
		if matchID == "" {
			matchID = a.MatchID
		} else if a.MatchID != matchID {
			t.Fatalf("tickets in two matches")
		}
		if len(a.Tokens) != st.Players {
			t.Fatalf("%d tokens for %d players", len(a.Tokens), st.Players)
		}
		for _, pt := range a.Tokens {
			c, err := mm.Verifier().Verify(pt.Token, matchID, clock.Now())
			if err != nil || c.PlayerID != pt.PlayerID {
				t.Fatalf("claim: %v %+v", err, c)
			}
		}
	}
	if len(hooks) != 1 || hooks[0].MatchID != matchID || len(hooks[0].Players) != 4 || hooks[0].Mode != "m" {
		t.Fatalf("hooks %+v", hooks)
	}
	hosts, err := mm.Directory().Hosts(ctx)
	must(t, err)
	if hosts[0].Reserved != 4 || hosts[0].Free != 996 {
		t.Fatalf("host %+v", hosts[0])
	}
	st, err := mm.Stats(ctx)
	must(t, err)
	p := st.Pools[1]
	if st.Passes != 1 || p.Mode != "m" || p.Matches != 1 || p.Assigned != 3 || p.Tickets != 0 || p.WaitP50 != 2*time.Second || p.WaitP99 != 3*time.Second {
		t.Fatalf("stats %+v", st)
	}
	if _, err := json.Marshal(st); err != nil {
		t.Fatal(err)
	}
	if err := mm.Cancel(ctx, ids[0]); !errors.Is(err, ErrNotQueued) {
		t.Fatalf("cancel after assignment: %v", err)
	}
}

func TestCancelledTicketNeverAssigned(t *testing.T) {
	ctx := context.Background()
	mm, clock := newTestMM(t, nil)
	a := enqueue(t, mm, tk("a", 1500, 0, 1))
	b := enqueue(t, mm, tk("b", 1500, 0, 1))
	c := enqueue(t, mm, tk("c", 1500, 0, 1))
	must(t, mm.Cancel(ctx, b))
	if err := mm.Cancel(ctx, b); !errors.Is(err, ErrNotQueued) {
		t.Fatalf("second cancel: %v", err)
	}
	if err := mm.Cancel(ctx, "nope"); !errors.Is(err, ErrTicketNotFound) {
		t.Fatalf("cancel unknown: %v", err)
	}
	enqueue(t, mm, tk("d", 1500, 0, 1))
	_, err := mm.RunPass(ctx, clock.Now())
	must(t, err)
	st, err := mm.Status(ctx, b)
	must(t, err)
	if st.State != StateCancelled || st.Assignment != nil || st.Reason == "" {
		t.Fatalf("cancelled ticket: %+v", st)
	}
	for _, id := range []TicketID{a, c} {
		if st, _ := mm.Status(ctx, id); st.State != StateQueued {
			t.Fatalf("%s: %+v", id, st)
		}
	}
}

// cancellingDirectory cancels a ticket while the pass allocates its match:
// the pass must drop the match, release its seats and keep the others
// queued.
type cancellingDirectory struct {
	*MemoryDirectory
	mm       *Matchmaker
	victim   TicketID
	released []Reservation
}

func (d *cancellingDirectory) Allocate(ctx context.Context, req AllocationRequest) (Reservation, error) {
	r, err := d.MemoryDirectory.Allocate(ctx, req)
	if d.victim != "" {
		if err := d.mm.Cancel(ctx, d.victim); err != nil {
			panic(err)
		}
		d.victim = ""
	}
	return r, err
}

func (d *cancellingDirectory) Release(ctx context.Context, r Reservation) error {
	d.released = append(d.released, r)
	return d.MemoryDirectory.Release(ctx, r)
}

func TestCancelDuringPass(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	dir := &cancellingDirectory{MemoryDirectory: NewMemoryDirectory(&DirectoryOptions{Clock: clock.Now})}
	must(t, dir.Heartbeat(ctx, Host{ID: "h", URL: "ws://h", Capacity: 10}))
	mm, err := New(&Options{Modes: []ModeConfig{{Name: "m", MaxPlayers: 2}}, Clock: clock.Now, Directory: dir})
	must(t, err)
	dir.mm = mm
	a := enqueue(t, mm, tk("a", 1500, 0, 1))
	b := enqueue(t, mm, tk("b", 1500, 0, 1))
	dir.victim = a
	rep, err := mm.RunPass(ctx, clock.Now())
	must(t, err)
	if rep.Pools[0].Conflicts != 1 || rep.Pools[0].Matches != 0 || len(dir.released) != 1 {
		t.Fatalf("report %+v, released %v", rep, dir.released)
	}
	if st, _ := mm.Status(ctx, a); st.State != StateCancelled || st.Assignment != nil {
		t.Fatalf("a: %+v", st)
	}
	if st, _ := mm.Status(ctx, b); st.State != StateQueued {
		t.Fatalf("b: %+v", st)
	}
	hosts, _ := dir.Hosts(ctx)
	if hosts[0].Free != 10 {
		t.Fatalf("seats not released: %+v", hosts[0])
	}
}

// TestCancelRace runs cancels against passes; with -race it also checks
// the locking. A cancelled ticket must never hold an assignment, and a
// duel never pairs a ticket with a cancelled one.
func TestCancelRace(t *testing.T) {
	ctx := context.Background()
	mm, clock := newTestMM(t, nil)
	for round := range 200 {
		ids := make([]TicketID, 4)
		for i := range ids {
			tt := tk(fmt.Sprintf("r%d-%d", round, i), 1500, 0, 1)
			tt.Mode = "duel"
			ids[i] = enqueue(t, mm, tt)
		}
		var wg sync.WaitGroup
		cancelled := make([]bool, len(ids))
		for i := range ids {
			if i%2 == 0 {
				wg.Go(func() { cancelled[i] = mm.Cancel(ctx, ids[i]) == nil })
			}
		}
		wg.Go(func() {
			if _, err := mm.RunPass(ctx, clock.Now()); err != nil {
				t.Error(err)
			}
		})
		wg.Wait()
		for i, id := range ids {
			st, err := mm.Status(ctx, id)
			must(t, err)
			if cancelled[i] && (st.State != StateCancelled || st.Assignment != nil) {
				t.Fatalf("cancelled %s: %+v", id, st)
			}
			if !cancelled[i] && st.State == StateCancelled {
				t.Fatalf("%s cancelled though Cancel failed", id)
			}
		}
		// Leave nothing queued for the next round.
		for _, id := range ids {
			_ = mm.Cancel(ctx, id)
		}
		clock.Advance(time.Second)
	}
}

func TestTimeoutWithReason(t *testing.T) {
	ctx := context.Background()
	mm, clock := newTestMM(t, nil)
	id := enqueue(t, mm, tk("a", 1500, 0, 1))
	ch, stop, err := mm.Watch(ctx, id)
	must(t, err)
	defer stop()
	if st := <-ch; st.State != StateQueued {
		t.Fatalf("first status %+v", st)
	}
	clock.Advance(119 * time.Second)
	_, err = mm.RunPass(ctx, clock.Now())
	must(t, err)
	if st, _ := mm.Status(ctx, id); st.State != StateQueued {
		t.Fatalf("timed out early: %+v", st)
	}
	clock.Advance(time.Second)
	rep, err := mm.RunPass(ctx, clock.Now())
	must(t, err)
	if rep.Pools[1].TimedOut != 1 {
		t.Fatalf("report %+v", rep)
	}
	st := <-ch
	if st.State != StateTimedOut || !strings.Contains(st.Reason, "time-out") || st.Elapsed != 2*time.Minute {
		t.Fatalf("status %+v", st)
	}
	if _, ok := <-ch; ok {
		t.Fatal("channel open after the final status")
	}
	stats, _ := mm.Stats(ctx)
	if stats.Pools[1].TimedOut != 1 {
		t.Fatalf("stats %+v", stats.Pools[1])
	}
}

func TestStatusPositionAndEstimate(t *testing.T) {
	ctx := context.Background()
	mm, clock := newTestMM(t, nil)
	// A first match sets the wait estimate: waits of 4s, 3s, 2s, 1s.
	for i := range 4 {
		enqueue(t, mm, tk(fmt.Sprint("early", i), 1500, 0, 1))
		clock.Advance(time.Second)
	}
	_, err := mm.RunPass(ctx, clock.Now())
	must(t, err)
	// Three tickets far apart in skill wait.
	var ids []TicketID
	for i := range 3 {
		ids = append(ids, enqueue(t, mm, tk(fmt.Sprint("w", i), 1000+float64(i)*800, 0, 1)))
		clock.Advance(time.Second)
	}
	for i, id := range ids {
		st, err := mm.Status(ctx, id)
		must(t, err)
		if st.State != StateQueued || st.Position != i || st.EstimatedWait != 2*time.Second ||
			st.Elapsed != time.Duration(3-i)*time.Second || st.Window != 100+20*float64(3-i) {
			t.Fatalf("ticket %d: %+v", i, st)
		}
	}
	must(t, mm.Cancel(ctx, ids[0]))
	if st, _ := mm.Status(ctx, ids[2]); st.Position != 1 {
		t.Fatalf("position after a cancel: %+v", st)
	}
	if _, err := mm.Status(ctx, "nope"); !errors.Is(err, ErrTicketNotFound) {
		t.Fatalf("unknown: %v", err)
	}
}

func TestWatchLatestWins(t *testing.T) {
	ctx := context.Background()
	mm, clock := newTestMM(t, nil)
	var ids []TicketID
	for i := range 3 {
		ids = append(ids, enqueue(t, mm, tk(fmt.Sprint("w", i), 1000+float64(i)*800, 0, 1)))
		clock.Advance(time.Second)
	}
	ch, stop, err := mm.Watch(ctx, ids[2])
	must(t, err)
	// Nobody reads; passes and cancels move the ticket up.
	must(t, mm.Cancel(ctx, ids[0]))
	_, err = mm.RunPass(ctx, clock.Now())
	must(t, err)
	must(t, mm.Cancel(ctx, ids[1]))
	_, err = mm.RunPass(ctx, clock.Now())
	must(t, err)
	if st := <-ch; st.Position != 0 || st.State != StateQueued {
		t.Fatalf("newest status %+v", st)
	}
	select {
	case st := <-ch:
		t.Fatalf("stale status %+v", st)
	default:
	}
	stop()
	stop()
	if _, ok := <-ch; ok {
		t.Fatal("open after cancel")
	}
	if _, _, err := mm.Watch(ctx, "nope"); !errors.Is(err, ErrTicketNotFound) {
		t.Fatalf("watch unknown: %v", err)
	}
	// Watching a final ticket: one status, then closed.
	ch, stop, err = mm.Watch(ctx, ids[0])
	must(t, err)
	defer stop()
	if st := <-ch; st.State != StateCancelled {
		t.Fatalf("final %+v", st)
	}
	if _, ok := <-ch; ok {
		t.Fatal("open after a final status")
	}
	mm.mu.Lock()
	defer mm.mu.Unlock()
	if len(mm.watchers) != 0 || mm.watched["m"] != 0 {
		t.Fatalf("watchers left: %v %v", mm.watchers, mm.watched)
	}
}

func TestBackfillEndToEnd(t *testing.T) {
	ctx := context.Background()
	mm, clock := newTestMM(t, nil)
	must(t, mm.Directory().Heartbeat(ctx, Host{
		ID: "h2", URL: "ws://h2/ws", Region: "eu", Capacity: 8, Used: 8, TTL: 10 * time.Second,
		Matches: []RunningMatch{{ID: "running", Mode: "squads", OpenSeats: 3, TeamOpen: []int{1, 2}, MeanSkill: 1500}},
	}))
	a := tk("a", 1500, 0, 2)
	a.Mode = "squads"
	b := tk("b", 1500, 0, 2)
	b.Mode = "squads"
	ida, idb := enqueue(t, mm, a), enqueue(t, mm, b)
	rep, err := mm.RunPass(ctx, clock.Now())
	must(t, err)
	if rep.Pools[2].Backfills != 1 {
		t.Fatalf("report %+v", rep.Pools[2])
	}
	st, _ := mm.Status(ctx, ida)
	if st.State != StateAssigned || !st.Assignment.Backfill || st.Assignment.MatchID != "running" || st.Assignment.Team != 1 || st.Assignment.HostURL != "ws://h2/ws" {
		t.Fatalf("a: %+v", st)
	}
	if st, _ := mm.Status(ctx, idb); st.State != StateQueued {
		t.Fatalf("b: %+v", st)
	}
	slots, err := mm.Directory().OpenSlots(ctx, "squads")
	must(t, err)
	if len(slots) != 1 || slots[0].OpenSeats != 1 || slots[0].TeamOpen[1] != 0 || slots[0].Region != "eu" {
		t.Fatalf("slots after the reservation %+v", slots)
	}
	// The host stops heartbeating: it and its slots disappear.
	clock.Advance(10 * time.Second)
	slots, _ = mm.Directory().OpenSlots(ctx, "squads")
	hosts, _ := mm.Directory().Hosts(ctx)
	if len(slots) != 0 || len(hosts) != 1 {
		t.Fatalf("after the TTL: slots %+v hosts %+v", slots, hosts)
	}
}

func TestNoHostKeepsTicketsQueued(t *testing.T) {
	ctx := context.Background()
	mm, clock := newTestMM(t, nil)
	must(t, mm.Directory().Deregister(ctx, "local"))
	var ids []TicketID
	for i := range 4 {
		ids = append(ids, enqueue(t, mm, tk(fmt.Sprint("t", i), 1500, 0, 1)))
	}
	rep, err := mm.RunPass(ctx, clock.Now())
	must(t, err)
	if rep.Pools[1].AllocationFailures != 1 {
		t.Fatalf("report %+v", rep.Pools[1])
	}
	for _, id := range ids {
		if st, _ := mm.Status(ctx, id); st.State != StateQueued {
			t.Fatalf("%s: %+v", id, st)
		}
	}
	must(t, mm.Directory().Heartbeat(ctx, Host{ID: "local", URL: "ws://local/ws", Capacity: 4}))
	rep, err = mm.RunPass(ctx, clock.Now())
	must(t, err)
	if rep.Pools[1].Matches != 1 {
		t.Fatalf("report %+v", rep.Pools[1])
	}
}

func TestRetentionPrunes(t *testing.T) {
	ctx := context.Background()
	mm, clock := newTestMM(t, &Options{Retention: time.Minute})
	id := enqueue(t, mm, tk("a", 1500, 0, 1))
	must(t, mm.Cancel(ctx, id))
	clock.Advance(time.Minute + time.Second)
	_, err := mm.RunPass(ctx, clock.Now())
	must(t, err)
	if _, err := mm.Status(ctx, id); !errors.Is(err, ErrTicketNotFound) {
		t.Fatalf("after retention: %v", err)
	}
}

func TestRunStops(t *testing.T) {
	mm, _ := newTestMM(t, &Options{Interval: time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- mm.Run(ctx) }()
	deadline := time.Now().Add(5 * time.Second)
	for {
		st, err := mm.Stats(context.Background())
		must(t, err)
		if st.Passes >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("Run made no passes")
		}
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v", err)
	}
}

func TestExplainService(t *testing.T) {
	ctx := context.Background()
	mm, clock := newTestMM(t, nil)
	id := enqueue(t, mm, tk("a", 1500, 0, 1))
	enqueue(t, mm, tk("b", 1550, 0, 1))
	ex, err := mm.Explain(ctx, id)
	must(t, err)
	if ex.Outcome != OutcomeWaiting || ex.Pool != "m" || len(ex.Candidates) != 1 || ex.Candidates[0].Reason != CandidateCompatible {
		t.Fatalf("explanation %+v", ex)
	}
	must(t, mm.Cancel(ctx, id))
	clock.Advance(time.Second)
	ex, err = mm.Explain(ctx, id)
	must(t, err)
	if ex.Outcome != string(StateCancelled) {
		t.Fatalf("explanation %+v", ex)
	}
}
