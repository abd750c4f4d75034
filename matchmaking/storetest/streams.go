package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	mm "github.com/skirmishgg/skirmish/matchmaking"
)

// RunAssignmentBus runs the AssignmentBus contract: newBus returns a
// fresh, empty bus for each subtest.
func RunAssignmentBus(t *testing.T, newBus func(t *testing.T) mm.AssignmentBus) {
	t.Run("PublishRead", func(t *testing.T) { busPublishRead(t, newBus(t)) })
	t.Run("BlockWakes", func(t *testing.T) { busBlockWakes(t, newBus(t)) })
	t.Run("BlockTimesOut", func(t *testing.T) { busBlockTimesOut(t, newBus(t)) })
	t.Run("ContextEndsWait", func(t *testing.T) { busContextEnds(t, newBus(t)) })
	t.Run("CancelEndsWait", func(t *testing.T) { busCancelEnds(t, newBus(t)) })
}

func assignment(matchID, hostID string) mm.MatchAssignment {
	return mm.MatchAssignment{
		MatchID: matchID, HostID: hostID, HostURL: "ws://" + hostID + "/ws", Mode: "m", Region: "eu",
		Players: []mm.AssignedPlayer{
			{TicketID: "t1", PlayerID: "p1", Name: "P1", Team: 0, Skill: 1500.5, Nonce: "n1"},
			{TicketID: "t1", PlayerID: "p2", Team: 1, Skill: 1500.5, Nonce: "n2"},
		},
		ExpiresAt: T0().Add(time.Minute),
	}
}

func busPublishRead(t *testing.T, b mm.AssignmentBus) {
	ctx := context.Background()
	for i := range 3 {
		must(t, b.Publish(ctx, "h1", assignment(fmt.Sprint("m", i), "h1")))
	}
	must(t, b.Publish(ctx, "h2", assignment("other", "h2")))
	msgs, next, err := b.Read(ctx, "h1", "", 10, 0)
	must(t, err)
	if len(msgs) != 3 || next != msgs[2].ID {
		t.Fatalf("read %+v, next %q", msgs, next)
	}
	for i, m := range msgs {
		if !sameJSON(t, m.Assignment, assignment(fmt.Sprint("m", i), "h1")) {
			t.Fatalf("message %d: %+v", i, m)
		}
		if m.ID == "" || (i > 0 && m.ID == msgs[i-1].ID) {
			t.Fatalf("message IDs %q", []string{msgs[0].ID, msgs[1].ID, msgs[2].ID})
		}
	}
	// From a cursor, and at most max.
	part, next2, err := b.Read(ctx, "h1", msgs[0].ID, 1, 0)
	must(t, err)
	if len(part) != 1 || part[0].ID != msgs[1].ID || next2 != msgs[1].ID {
		t.Fatalf("read after the first %+v, next %q", part, next2)
	}
	none, next3, err := b.Read(ctx, "h1", next, 10, 0)
	must(t, err)
	if len(none) != 0 || next3 != next {
		t.Fatalf("read at the end %+v, next %q", none, next3)
	}
	must(t, b.Publish(ctx, "h1", assignment("m3", "h1")))
	more, _, err := b.Read(ctx, "h1", next, 10, 0)
	must(t, err)
	if len(more) != 1 || more[0].Assignment.MatchID != "m3" {
		t.Fatalf("read the new message %+v", more)
	}
	other, _, err := b.Read(ctx, "h2", "", 10, 0)
	must(t, err)
	if len(other) != 1 || other[0].Assignment.MatchID != "other" {
		t.Fatalf("h2's stream %+v", other)
	}
	if msgs, _, err := b.Read(ctx, "nobody", "", 10, 0); err != nil || len(msgs) != 0 {
		t.Fatalf("an empty stream: %+v %v", msgs, err)
	}
	if _, _, err := b.Read(ctx, "h1", "not a cursor", 10, 0); err == nil {
		t.Fatal("read from a malformed cursor")
	}
}

func busBlockWakes(t *testing.T, b mm.AssignmentBus) {
	ctx := context.Background()
	// Start from the end of a stream with one old message.
	must(t, b.Publish(ctx, "h", assignment("old", "h")))
	_, cursor, err := b.Read(ctx, "h", "", 10, 0)
	must(t, err)
	go func() {
		time.Sleep(100 * time.Millisecond)
		if err := b.Publish(ctx, "h", assignment("new", "h")); err != nil {
			t.Error(err)
		}
	}()
	start := time.Now()
	msgs, _, err := b.Read(ctx, "h", cursor, 10, 10*time.Second)
	must(t, err)
	if len(msgs) != 1 || msgs[0].Assignment.MatchID != "new" {
		t.Fatalf("read %+v", msgs)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("woke after %v", d)
	}
}

func busBlockTimesOut(t *testing.T, b mm.AssignmentBus) {
	start := time.Now()
	msgs, next, err := b.Read(context.Background(), "h", "", 10, 200*time.Millisecond)
	must(t, err)
	if d := time.Since(start); len(msgs) != 0 || next != "" || d < 150*time.Millisecond || d > 5*time.Second {
		t.Fatalf("read %+v %q after %v", msgs, next, d)
	}
}

func busContextEnds(t *testing.T, b mm.AssignmentBus) {
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, _, err := b.Read(ctx, "h", "", 10, 30*time.Second)
	if err == nil || time.Since(start) > 5*time.Second {
		t.Fatalf("read returned %v after %v", err, time.Since(start))
	}
}

// busCancelEnds: a cancel (no deadline) ends a long wait within 3 s.
func busCancelEnds(t *testing.T, b mm.AssignmentBus) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	_, _, err := b.Read(ctx, "h", "", 10, 30*time.Second)
	if !errors.Is(err, context.Canceled) || time.Since(start) > 3*time.Second {
		t.Fatalf("read returned %v after %v", err, time.Since(start))
	}
}

// RunResults runs the Results contract: newResults returns a fresh, empty
// history (keeping at least 10 results) for each subtest.
func RunResults(t *testing.T, newResults func(t *testing.T) mm.Results) {
	t.Run("AppendGet", func(t *testing.T) { resultsAppendGet(t, newResults(t)) })
	t.Run("Recent", func(t *testing.T) { resultsRecent(t, newResults(t)) })
}

func result(matchID string) mm.MatchResult {
	return mm.MatchResult{
		MatchID: matchID, Mode: "m", HostID: "h", Reason: "score_limit", Winner: "p1",
		Scoreboard: []mm.PlayerScore{{PlayerID: "p1", Score: 10, Deaths: 2}, {PlayerID: "p2", Score: 4, Deaths: 7}},
		StartedAt:  T0(), EndedAt: T0().Add(3 * time.Minute), Duration: 3 * time.Minute,
	}
}

func resultsAppendGet(t *testing.T, r mm.Results) {
	ctx := context.Background()
	want := result("m1")
	must(t, r.Append(ctx, want))
	got, err := r.Get(ctx, "m1")
	must(t, err)
	if !sameJSON(t, got, want) {
		t.Fatalf("result %+v, want %+v", got, want)
	}
	if _, err := r.Get(ctx, "m2"); !errors.Is(err, mm.ErrResultNotFound) {
		t.Fatalf("unknown: %v", err)
	}
	dup := result("m1")
	dup.Winner = "p2"
	if err := r.Append(ctx, dup); !errors.Is(err, mm.ErrDuplicateResult) {
		t.Fatalf("append twice: %v", err)
	}
	if got, _ := r.Get(ctx, "m1"); got.Winner != "p1" {
		t.Fatalf("a duplicate replaced the result: %+v", got)
	}
	if recent, _ := r.Recent(ctx, 10); len(recent) != 1 {
		t.Fatalf("a duplicate was recorded: %+v", recent)
	}
	if err := r.Append(ctx, mm.MatchResult{}); !errors.Is(err, mm.ErrBadResult) {
		t.Fatalf("append without a match ID: %v", err)
	}
	draw := mm.MatchResult{MatchID: "draw", Mode: "m", Reason: "time_limit"}
	must(t, r.Append(ctx, draw))
	if got, err := r.Get(ctx, "draw"); err != nil || got.Winner != "" || len(got.Scoreboard) != 0 {
		t.Fatalf("draw %+v %v", got, err)
	}
}

func resultsRecent(t *testing.T, r mm.Results) {
	ctx := context.Background()
	if recent, err := r.Recent(ctx, 5); err != nil || len(recent) != 0 {
		t.Fatalf("recent of none: %+v %v", recent, err)
	}
	for i := range 5 {
		must(t, r.Append(ctx, result(fmt.Sprint("m", i))))
	}
	recent, err := r.Recent(ctx, 3)
	must(t, err)
	if len(recent) != 3 || recent[0].MatchID != "m4" || recent[2].MatchID != "m2" || !sameJSON(t, recent[0], result("m4")) {
		t.Fatalf("recent %+v", recent)
	}
	if all, _ := r.Recent(ctx, 100); len(all) != 5 || all[4].MatchID != "m0" {
		t.Fatalf("recent all %+v", all)
	}
}
