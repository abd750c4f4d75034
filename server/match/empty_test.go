package match_test

import (
	"testing"
	"time"

	"github.com/skirmishgg/skirmish/server/match"
	"github.com/skirmishgg/skirmish/server/servertest"
)

// TestEmptyMatchEnds: a match whose players are gone stays open for
// newcomers for 10 s, then ends; told EndWhenEmpty (its host drains and
// places nobody) it ends at its next housekeeping, but never while a seat
// is held for a dropped player's resume or reserved for one on the way.
func TestEmptyMatchEnds(t *testing.T) {
	for _, tc := range []struct {
		name         string
		endWhenEmpty bool
		dropped      bool // the player dropped (seat held for the grace)
		reserved     bool // a seat is reserved for a player on the way
		open, ended  time.Duration
	}{
		{name: "lingers for newcomers", open: 9 * time.Second, ended: 11 * time.Second},
		{name: "ends when empty", endWhenEmpty: true, open: 0, ended: 1500 * time.Millisecond},
		{name: "a held seat waits for its grace", endWhenEmpty: true, dropped: true, open: 25 * time.Second, ended: 32 * time.Second},
		{name: "a reserved seat waits for its deadline", endWhenEmpty: true, reserved: true, open: 50 * time.Second, ended: 62 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := servertest.StartMatch(t, &recordingRules{}, &match.Options{ResumeGrace: 30 * time.Second})
			p, _ := m.Join("k1", "p1")
			if tc.reserved {
				if err := m.Reserve("k2", m.Clock.Now().Add(time.Minute), time.Time{}); err != nil {
					t.Fatal(err)
				}
			}
			m.Leave(p, tc.dropped)
			if tc.endWhenEmpty {
				m.EndWhenEmpty()
			}
			// Time goes by in half-second strides (the loop catches up a
			// capped number of steps, housekeeping runs on the clock).
			var gone time.Duration
			advanceTo := func(d time.Duration) {
				for ; gone < d; gone += 500 * time.Millisecond {
					want := m.Stats().Ticks + 1
					m.Clock.Advance(500 * time.Millisecond)
					servertest.WaitFor(t, "a step or the end", func() bool {
						return m.Stats().Ticks >= want || ended(m.Match)
					})
				}
			}
			advanceTo(tc.open)
			if ended(m.Match) {
				t.Fatalf("ended %v after the last player left, want it open until at least %v", gone, tc.open)
			}
			advanceTo(tc.ended)
			servertest.WaitFor(t, "the match to end", func() bool { return ended(m.Match) })
		})
	}
}

func ended(m *match.Match) bool {
	select {
	case <-m.Done():
		return true
	default:
		return false
	}
}
